# Copyright (c) mmslkd contributors. All rights reserved.
from .feature_embedding import class_separability, tsne_embedding
from .logit_correlation import (class_mean_logits, correlation_difference,
                                logit_correlation, mean_abs_difference)
from .network_outputs import (build_test_dataloader, collect_outputs,
                              get_network, load_model, network_names,
                              split_runs)
from .paper_numbers import PAPER_METHODS, PAPER_TABLES, paper_row
from .results_table import (build_results_table, canonical_network,
                            collect_runs, describe_run, find_runs,
                            format_markdown, method_label)
from .teacher_weights import (collect_teacher_weights, most_skewed,
                              summarize_teacher_weights)
from .training_logs import (accuracy_curves, find_scalar_logs,
                            load_training_log, loss_curves)

__all__ = [
    'tsne_embedding', 'class_separability', 'class_mean_logits',
    'logit_correlation', 'correlation_difference', 'mean_abs_difference',
    'split_runs', 'load_model', 'network_names', 'get_network',
    'build_test_dataloader', 'collect_outputs', 'PAPER_METHODS',
    'PAPER_TABLES', 'paper_row', 'canonical_network', 'method_label',
    'describe_run', 'find_runs', 'collect_runs', 'build_results_table',
    'format_markdown', 'collect_teacher_weights', 'summarize_teacher_weights',
    'most_skewed', 'find_scalar_logs', 'load_training_log', 'accuracy_curves',
    'loss_curves'
]
