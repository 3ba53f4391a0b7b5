"""The fault suite: the service as separate OS processes (worker, API, projector, a Temporal
dev server and a PostgreSQL server of the suite's own), under a small load of commands over
HTTP, while one part is killed, restarted or started late. Each scenario checks that nothing
acknowledged is lost or doubled, that every process recovers by itself and that clients and
/readyz are told the truth; see issue 9."""
