#set( $name = $pluginId.replace('-', '_') )
-- Applied by Cortana when the plugin starts, recorded in flyway_history_${name}. Never edit a released migration:
-- add V2__....sql. Tables are shared with every other plugin, so their names start with the plugin id.
CREATE TABLE IF NOT EXISTS ${name}_counts (
    user_id TEXT    NOT NULL,
    thing   TEXT    NOT NULL CHECK (length(thing) BETWEEN 1 AND 200),
    total   INTEGER NOT NULL,
    PRIMARY KEY (user_id, thing)
);
