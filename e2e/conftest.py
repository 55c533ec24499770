"""pytest loads this for every e2e case; in its import mode (prepend) that puts e2e/ on sys.path for e2e_support."""
