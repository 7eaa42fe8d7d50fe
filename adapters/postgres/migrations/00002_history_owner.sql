-- The API key that made each job (an opaque id, never the key): with API_KEYS set, a
-- history page shows only the caller's own rows. Rows of a service without keys keep ''.

-- +goose Up
ALTER TABLE recipe_history ADD COLUMN owner text COLLATE "C" NOT NULL DEFAULT '';
DROP INDEX recipe_history_user_recent;
CREATE INDEX recipe_history_user_recent ON recipe_history (user_id, owner, completed_at DESC, job_id DESC);

-- +goose Down
DROP INDEX recipe_history_user_recent;
CREATE INDEX recipe_history_user_recent ON recipe_history (user_id, completed_at DESC, job_id DESC);
ALTER TABLE recipe_history DROP COLUMN owner;
