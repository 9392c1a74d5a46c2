def log = new File(basedir, 'build.log').text
assert log.contains("The Cortana plugin weather-1.0.0.jar has 1 problem:")
assert log.contains("Bundles its own copy of packages org.slf4j and ")
assert log.contains("(org.slf4j:slf4j-api), which Cortana provides")
assert log.contains("Fix: declare org.slf4j:slf4j-api provided (dev.cortana:cortana-plugin-parent does), or remove it from the shade.")
return true
