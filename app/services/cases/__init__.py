"""A case from submission to decision as caseworkers work it: transitions, queue, assessment, hearing, export."""
