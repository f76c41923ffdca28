"""Evaluation folders: read and write ``evaluation.yaml`` and the files beside it.

:mod:`~crmselect.io.folder.evaluation`
    :func:`load_evaluation` / :func:`save_evaluation` and the folder format;
:mod:`~crmselect.io.folder.yamlfile`
    the YAML reader (safe, bounded, every value with its key path and line);
:mod:`~crmselect.io.folder.schema`
    YAML → criteria and requirements, shared by evaluation files and catalogues;
:mod:`~crmselect.io.folder.tables`
    CSV tables and DataFrames ⇄ requirements, responses, demo scores;
:mod:`~crmselect.io.folder.costs`
    the ``costs:`` and ``price:`` sections (:func:`load_costs`);
:mod:`~crmselect.io.folder.partners`
    the ``partners:`` section (:func:`load_partners`);
:mod:`~crmselect.io.folder.catalog`
    the bundled catalogues and catalogue files (:func:`load_catalog`, :func:`catalogs`).
"""
