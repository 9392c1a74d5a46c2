package dev.cortana.maven;

import dev.cortana.checks.PluginChecks;
import dev.cortana.checks.PluginProblem;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.artifact.DependencyResolutionRequiredException;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;

/**
 * Checks the built Cortana plugin for the mistakes Cortana would otherwise only report when loading it: tool
 * parameters without names or of types the model cannot fill, no extensions, bundled copies of what Cortana
 * provides, duplicate tool names. Fails the build listing every one, each with its fix.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.PACKAGE, requiresDependencyResolution = ResolutionScope.COMPILE,
        threadSafe = true)
public final class CheckMojo extends AbstractMojo {

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** The plugin to check; the project's main artifact (the shaded JAR) by default. */
    @Parameter(property = "cortana.check.plugin")
    private File plugin;

    /**
     * What to check: {@code all} (default) runs every check; {@code archive} only the checks of the final archive
     * (bundled copies of host packages, no extensions), for a JAR whose classes an earlier {@code all} run on
     * {@code ${project.build.outputDirectory}} already checked, so no problem is reported twice.
     */
    @Parameter(property = "cortana.check.checks", defaultValue = "all")
    private String checks;

    /** Skips the check. */
    @Parameter(property = "cortana.check.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip || "pom".equals(project.getPackaging())) {
            return;
        }
        if (!"all".equals(checks) && !"archive".equals(checks)) {
            throw new MojoExecutionException("cortana:check: checks must be 'all' or 'archive', not '" + checks + "'");
        }
        Path file = pluginFile();
        List<PluginProblem> problems;
        try (URLClassLoader loader = new URLClassLoader(classPath(file), ClassLoader.getPlatformClassLoader())) {
            problems = "archive".equals(checks) ? PluginChecks.checkArchive(file) : PluginChecks.check(file, loader);
        } catch (IOException | RuntimeException e) {
            throw new MojoExecutionException("Cannot check the Cortana plugin " + file + ": " + e.getMessage(), e);
        }
        if (problems.isEmpty()) {
            getLog().info("Cortana plugin check: no problems in " + shown(file));
            return;
        }
        for (PluginProblem problem : problems) {
            getLog().error(problem.message());
        }
        throw new MojoFailureException("The Cortana plugin " + shown(file) + " has " + problems.size()
                + (problems.size() == 1 ? " problem" : " problems") + ":\n" + PluginChecks.describe(problems));
    }

    /** The JAR's file name, or for a classes folder the plugin's final name and the folder: "x-1.0 (target/classes)". */
    private String shown(Path file) {
        if (!Files.isDirectory(file)) {
            return file.getFileName().toString();
        }
        Path base = project.getBasedir() == null ? null : project.getBasedir().toPath().toAbsolutePath();
        Path absolute = file.toAbsolutePath();
        String where = base != null && absolute.startsWith(base) ? base.relativize(absolute).toString() : absolute.toString();
        return project.getBuild().getFinalName() + " (" + where.replace('\\', '/') + ")";
    }

    private Path pluginFile() throws MojoExecutionException {
        if (plugin != null) {
            return plugin.toPath();
        }
        File artifact = project.getArtifact().getFile();
        if (artifact != null && artifact.isFile()) {
            return artifact.toPath();
        }
        Path jar = Path.of(project.getBuild().getDirectory(), project.getBuild().getFinalName() + ".jar");
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        Path classes = Path.of(project.getBuild().getOutputDirectory());
        if (Files.isDirectory(classes)) {
            return classes;
        }
        throw new MojoExecutionException("No plugin JAR to check: run cortana:check in the package phase, after the JAR is built");
    }

    /** The plugin first, then its compile class path (what it was compiled against, provided scope included). */
    private URL[] classPath(Path file) throws MojoExecutionException {
        List<URL> urls = new ArrayList<>();
        try {
            urls.add(file.toUri().toURL());
            String classes = project.getBuild().getOutputDirectory();
            for (String element : project.getCompileClasspathElements()) {
                if (!element.equals(classes)) {
                    urls.add(new File(element).toURI().toURL());
                }
            }
        } catch (DependencyResolutionRequiredException | MalformedURLException e) {
            throw new MojoExecutionException("Cannot build the plugin's class path: " + e.getMessage(), e);
        }
        return urls.toArray(URL[]::new);
    }
}
