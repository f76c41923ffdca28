"""Evaluation folders: read and write ``evaluation.yaml`` and the files beside it.

:mod:`~crmselect.io.folder.tender`
    :func:`load_tender`: the one loader, reading ``evaluation.yaml`` once;
:mod:`~crmselect.io.folder.evaluation`
    the folder format: the evaluation's sections and tables, and :func:`save_evaluation`;
:mod:`~crmselect.io.folder.returns`
    the returned files the folder names (workshops, scoring sheets, RFP workbooks);
:mod:`~crmselect.io.folder.yamlfile`
    the YAML reader (safe, bounded, every value with its key path and line);
:mod:`~crmselect.io.folder.schema`
    YAML → criteria and requirements, shared by evaluation files and catalogues;
:mod:`~crmselect.io.folder.tables`
    CSV tables and DataFrames ⇄ requirements, responses, demo scores;
:mod:`~crmselect.io.folder.costs`
    the ``costs:`` and ``price:`` sections (:func:`read_costs`);
:mod:`~crmselect.io.folder.partners`
    the ``partners:`` section (:func:`read_partners`);
:mod:`~crmselect.io.folder.catalog`
    the bundled catalogues and catalogue files (:func:`load_catalog`, :func:`catalogs`).
"""
