def log = new File(basedir, 'build.log').text
assert log.contains("The Cortana plugin clock-1.0.0 (target/classes) has 1 problem:")
assert log.contains("No extensions: META-INF/extensions.idx is empty, so Cortana finds no tools or other extensions "
        + "in this plugin. Fix: mark each extension class (a ToolProvider, LlmProvider, ...) with @org.pf4j.Extension")
return true
