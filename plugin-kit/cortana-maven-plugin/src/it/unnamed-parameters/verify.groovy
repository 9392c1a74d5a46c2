def log = new File(basedir, 'build.log').text
assert log.contains("The Cortana plugin notes-1.0.0 (target/classes) has 1 problem:")
assert log.contains("Tool 'add_note' (com.example.notes.NoteTools.add): parameters arg0, arg1 have no names, "
        + "so the model would be offered 'arg0': the class was compiled without -parameters. "
        + "Fix: compile with -parameters")
assert !log.contains("named_note")
return true
