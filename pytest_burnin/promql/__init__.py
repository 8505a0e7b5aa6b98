"""PromQL: parser, syntax tree, in-memory series store and evaluator (no pytest import)."""
