def log = new File(basedir, 'build.log').text
assert log.contains("The Cortana plugin todo-1.0.0 (target/classes) has 1 problem:")
assert log.contains("Tool name 'add' is used by 2 tools: com.example.todo.ShoppingTools.add, com.example.todo.TodoTools.addTodo; "
        + "the model can be offered only one of them. Fix: give each @Tool a unique name (@Tool(name = \"...\")).")
return true
