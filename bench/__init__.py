"""Benchmarks: synthetic corpus generator and measured throughput, memory and latency (JSON reports)."""
