def log = new File(basedir, 'build.log').text
assert log.contains('Cortana plugin check: no problems in dice-1.0.0.jar')
def pom = new File(basedir, 'pom.xml').readLines()
assert pom.size() <= 25 : "a plugin's pom.xml fits in 25 lines, this one has ${pom.size()}"
def jar = new java.util.jar.JarFile(new File(basedir, 'target/dice-1.0.0.jar'))
def manifest = jar.manifest.mainAttributes
assert manifest.getValue('Plugin-Id') == 'dice'
assert manifest.getValue('Plugin-Version') == '1.0.0'
assert manifest.getValue('Plugin-Requires') == '>=0.1.0'
assert jar.getEntry('META-INF/extensions.idx') != null
assert jar.getEntry('org/pf4j/Extension.class') == null
assert jar.getEntry('com/knuddels/jtokkit/Encodings.class') != null : 'private libraries are shaded into the plugin JAR'
assert log.contains('Tests run: 2, Failures: 0, Errors: 0')
return true
