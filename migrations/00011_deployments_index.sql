-- The deployments report reads every current deployment, a few in a
-- hundred entries: without an index it read every revision of the ledger
-- (7 s at a million entries). A partial index holds the deployments
-- alone, by ref (the report's order), so that it costs an import almost
-- nothing. The store names the kind as a literal when it reads one kind
-- (Filter.addTo), so that both engines see the index applies.

-- +goose Up
CREATE INDEX revisions_deployments ON revisions (ref) WHERE kind = 'deployment';
