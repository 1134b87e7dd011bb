# Copyright (c) mmslkd contributors. All rights reserved.
"""CIFAR-100 top-1 (%) published in the SLKD paper's Tables 1-2, to print
beside our results (our spec: ``paper_numbers.md``)."""

__all__ = ['PAPER_METHODS', 'PAPER_TABLES', 'paper_row']

#: column order of the paper's tables
PAPER_METHODS = ('AT', 'SP', 'RKD', 'OFD', 'CRD', 'ReviewKD', 'DKD', 'KD',
                 'SLKD', 'SLKD*')


def _row(teacher, teacher_acc, student, student_acc, *methods):
    return dict(
        teacher=teacher,
        teacher_acc=teacher_acc,
        student=student,
        student_acc=student_acc,
        methods=dict(zip(PAPER_METHODS, methods)))


#: table title -> rows (teacher, student, their accuracies, per-method)
PAPER_TABLES = {
    'Table 1: same-series pairs': [
        _row('resnet32x4', 79.42, 'resnet8x4', 72.50, 73.44, 72.94, 71.90,
             74.95, 75.51, 75.63, 76.32, 73.33, 76.85, 75.61),
        _row('resnet56', 72.34, 'resnet8', 59.98, 58.41, 58.49, 58.06, 57.42,
             60.94, 60.27, 61.62, 60.17, 62.05, 61.99),
        _row('wrn_40_2', 75.61, 'wrn_40_1', 71.98, 72.77, 72.65, 72.22, 74.33,
             74.14, 75.09, 74.81, 73.54, 74.91, 74.60),
        _row('wrn_40_2', 75.61, 'wrn_16_2', 73.26, 74.08, 73.89, 73.35, 75.24,
             75.48, 76.12, 76.24, 74.92, 76.31, 75.78),
        _row('vgg13', 74.64, 'vgg11', 71.32, 73.63, 74.88, 73.29, 75.14, 74.02,
             75.32, 74.92, 74.54, 75.46, 74.96),
        _row('vgg13', 74.64, 'vgg8', 70.36, 71.43, 73.36, 71.48, 73.95, 73.94,
             74.84, 74.68, 72.98, 75.01, 74.41),
    ],
    'Table 2: cross-series pairs': [
        _row('resnet32x4', 79.42, 'ShuffleV2', 71.82, 72.73, 75.75, 73.21,
             76.82, 75.65, 77.78, 77.07, 74.45, 77.26, 76.12),
        _row('resnet32x4', 79.42, 'ShuffleV1', 70.50, 71.73, 75.51, 72.28,
             75.98, 75.11, 77.45, 76.45, 74.07, 76.17, 75.34),
        _row('ResNet50', 79.34, 'MobileNetV2', 64.60, 58.58, 68.61, 64.43,
             69.04, 69.11, 69.89, 70.35, 67.35, 70.43, 68.29),
        _row('vgg13', 74.64, 'MobileNetV2', 64.60, 59.40, 66.74, 64.52, 69.48,
             69.73, 70.37, 69.71, 67.37, 69.94, 69.36),
        _row('wrn_40_2', 75.61, 'ShuffleV1', 70.50, 73.32, 75.94, 72.21, 75.85,
             76.05, 77.14, 76.70, 74.83, 76.72, 76.29),
    ],
}


def paper_row(teacher: str, student: str):
    """The paper's row for a pair of canonical network names.

    Args:
        teacher (str): E.g. ``'resnet32x4'``.
        student (str): E.g. ``'ShuffleV2'``.

    Returns:
        tuple | None: (table title, row dict), or None if not published.
    """
    for title, rows in PAPER_TABLES.items():
        for row in rows:
            if (row['teacher'], row['student']) == (teacher, student):
                return title, row
    return None
