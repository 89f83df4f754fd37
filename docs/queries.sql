-- Example queries over the stancewatch database. Each block starts with "-- name:"; a block
-- with "-- dialect:" runs only on that database. tests/test_queries_doc.py runs every block
-- on SQLite and PostgreSQL, so these stay correct as the schema evolves.

-- name: current-stance
-- The established stance of every actor, since when, and the evidence behind it.
SELECT s.actor, s.stance, s.since, st.evidence, a.canonical_url AS url
FROM actor_states AS s
LEFT JOIN statements AS st ON st.id = s.statement_id
LEFT JOIN articles AS a ON a.id = st.article_id
ORDER BY s.actor;

-- name: changes-this-week
-- dialect: postgresql
SELECT actor, old_stance, new_stance, changed_at, evidence
FROM stance_changes
WHERE retracted_at IS NULL AND changed_at >= now() - interval '7 days'
ORDER BY changed_at DESC;

-- name: changes-this-week
-- dialect: sqlite
SELECT actor, old_stance, new_stance, changed_at, evidence
FROM stance_changes
WHERE retracted_at IS NULL AND changed_at >= datetime('now', '-7 days')
ORDER BY changed_at DESC;

-- name: statements-of-one-actor
-- Every statement of one actor, oldest first, with the outlet and the link.
SELECT coalesce(a.published_at, a.fetched_at) AS published, st.stance, st.confidence,
       st.evidence, src.name AS outlet, a.canonical_url AS url
FROM statements AS st
JOIN articles AS a ON a.id = st.article_id
JOIN sources AS src ON src.id = a.source_id
WHERE st.actor = 'Olaf Scholz'
ORDER BY published;

-- name: most-cited-outlets
-- Outlets by the number of statements found in their articles.
SELECT src.name AS outlet, count(*) AS statements, count(DISTINCT st.actor) AS actors
FROM statements AS st
JOIN articles AS a ON a.id = st.article_id
JOIN sources AS src ON src.id = a.source_id
GROUP BY src.name
ORDER BY statements DESC, outlet;

-- name: stories-with-most-copies
-- A story is its first stored article; near-duplicate copies point at it (duplicate_of_id).
SELECT first.id, first.title, first.canonical_url AS url, count(copy.id) AS copies
FROM articles AS first
JOIN articles AS copy ON copy.duplicate_of_id = first.id
GROUP BY first.id, first.title, first.canonical_url
ORDER BY copies DESC, first.id
LIMIT 20;
