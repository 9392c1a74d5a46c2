def log = new File(basedir, 'build.log').text
// The check runs on the compiled classes at process-classes, before this project's failing test.
assert log.contains("cortana-maven-plugin:0.1.0:check (cortana-check-classes)")
assert !log.contains("FileToolsTest"), "the failing test ran before the check: its failure would hide the check's message"
assert log.contains("The Cortana plugin files-1.0.0 (target/classes) has 3 problems:")
assert log.contains("Tool 'read_file' (com.example.files.FileTools.read): parameter 'file' is a java.nio.file.Path, "
        + "which the model cannot fill: it only sends JSON")
assert log.contains("Tool 'transform' (com.example.files.FileTools.transform): parameter 'how' is a "
        + "java.util.function.Function (a function: code, not data), which the model cannot fill")
assert log.contains("Tool 'upload' (com.example.files.FileTools.upload): parameter 'upload' (a com.example.files.FileTools\$Upload) "
        + "has a field 'content' that is a java.io.InputStream, which the model cannot fill")
assert log.contains("Fix: take a String, number, boolean, enum, List or record of those instead")
assert !log.contains("parameter 'text'")
return true
