CREATE TABLE sample_greetings (
    id    bigserial PRIMARY KEY,
    name  text NOT NULL
);
