"""Offline renders and diffs of a Pulumi program under Pulumi's mock engine."""
