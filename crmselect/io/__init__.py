"""Everything that touches files: YAML and CSV readers, evaluation folders.

Analysis modules never import from here; data flows files → ``io`` → model → analysis.
"""
