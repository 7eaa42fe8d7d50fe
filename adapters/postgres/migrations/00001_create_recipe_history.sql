-- One row per completed job: what was asked, by whom, when, and the result its status
-- showed. Rows are only ever inserted, never updated.

-- +goose Up
CREATE TABLE recipe_history (
    job_id       text COLLATE "C" PRIMARY KEY,
    user_id      text COLLATE "C" NOT NULL,
    attempts     integer          NOT NULL,
    created_at   timestamptz      NOT NULL,
    completed_at timestamptz      NOT NULL,
    ingredients  text[]           NOT NULL,
    preferences  jsonb            NOT NULL,
    result       jsonb            NOT NULL
);

-- Serves a user's pages: newest completion first, the job id breaking ties.
CREATE INDEX recipe_history_user_recent ON recipe_history (user_id, completed_at DESC, job_id DESC);

-- +goose Down
DROP TABLE recipe_history;
