"""Datasets: synthetic action videos written as real video files (and, later, loaders)."""
