-- Every submission queues about three jobs (its notification and the
-- deadline reminders), and every index of jobs is one more insert in the
-- writer's transaction: with three indexes, jobs took 12 of a submission's
-- 30 B-tree inserts.
--
-- jobs_lease only serves the search for running jobs whose lease lapsed
-- (nextDue asks for state = 'running' in so many words): it now holds the
-- running jobs only, one per worker, instead of every job ever queued.
--
-- jobs_rma served no query: jobs are found by state and time, and RMAs are
-- never deleted (a delete of an RMA would scan jobs for its children).

-- +goose Up
DROP INDEX jobs_lease;
CREATE INDEX jobs_lease ON jobs (locked_until) WHERE state = 'running';
DROP INDEX jobs_rma;

-- +goose Down
DROP INDEX jobs_lease;
CREATE INDEX jobs_lease ON jobs (state, locked_until);
CREATE INDEX jobs_rma ON jobs (rma_id);
