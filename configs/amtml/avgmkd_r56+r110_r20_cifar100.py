# AvgMKD on CIFAR-100, 2 teachers -> resnet20: the official baseline (KD
# from the mean teacher distribution + the triplet term, 200 epochs; see
# _base_/algorithms/avgmkd.py). Paper Fig. 3, read off its bar chart: 68.9;
# the figure's teacher/student pair is unknown.
_base_ = [
    '../_base_/teacher_sets/cifar100_2teachers.py',
    '../_base_/models/cifar/resnet20.py',
    '../_base_/datasets/cifar100_bs128.py',
    '../_base_/algorithms/avgmkd.py',
]

model = dict(architecture=_base_.resnet20, teachers=_base_.teachers)
