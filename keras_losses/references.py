"""The bibliography: each paper a loss cites, by the short citation its `register(paper=...)` gives.

A loss declares where it comes from once, as a short citation (`paper="Lin et al. (2017)"`);
this table turns that citation into the full reference (authors, title, venue, link) for the
loss catalogue in `docs/losses/` (`python -m keras_losses.catalogue`). A loss whose citation is
missing here fails the catalogue's test, naming it.
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Reference:
    """One paper: who wrote it, its full title, where it appeared, and a link to read it."""

    authors: str
    title: str
    venue: str
    url: str

    def markdown(self):
        """`Authors. *Title*. Venue. <link>` as one line of Markdown."""
        return f"{self.authors}. *{self.title}*. {self.venue}. [{self.url}]({self.url})"


PAPERS = {
    "Janocha & Czarnecki (2017)": Reference(
        "Katarzyna Janocha, Wojciech Marian Czarnecki",
        "On Loss Functions for Deep Neural Networks in Classification",
        "Schedae Informaticae 25 (2016), pp. 49–59; arXiv:1702.05659 (2017)",
        "https://arxiv.org/abs/1702.05659",
    ),
    "Li, Li, Pan & Zhu (AAAI 2020)": Reference(
        "Xiangrui Li, Xin Li, Deng Pan, Dongxiao Zhu",
        "On the Learning Property of Logistic and Softmax Losses for Deep Neural Networks",
        "AAAI 2020; arXiv:2003.02309",
        "https://arxiv.org/abs/2003.02309",
    ),
    "Lin et al. (2017)": Reference(
        "Tsung-Yi Lin, Priya Goyal, Ross Girshick, Kaiming He, Piotr Dollár",
        "Focal Loss for Dense Object Detection",
        "ICCV 2017; arXiv:1708.02002",
        "https://arxiv.org/abs/1708.02002",
    ),
    "Leng et al. (2022)": Reference(
        "Zhaoqi Leng, Mingxing Tan, Chenxi Liu, Ekin Dogus Cubuk, Xiaojie Shi, Shuyang Cheng, Dragomir Anguelov",
        "PolyLoss: A Polynomial Expansion Perspective of Classification Loss Functions",
        "ICLR 2022; arXiv:2204.12511",
        "https://arxiv.org/abs/2204.12511",
    ),
    "Zhang & Sabuncu (2018)": Reference(
        "Zhilu Zhang, Mert R. Sabuncu",
        "Generalized Cross Entropy Loss for Training Deep Neural Networks with Noisy Labels",
        "NeurIPS 2018; arXiv:1805.07836",
        "https://arxiv.org/abs/1805.07836",
    ),
    "Wang et al. (2019)": Reference(
        "Yisen Wang, Xingjun Ma, Zaiyi Chen, Yuan Luo, Jinfeng Yi, James Bailey",
        "Symmetric Cross Entropy for Robust Learning with Noisy Labels",
        "ICCV 2019; arXiv:1908.06112",
        "https://arxiv.org/abs/1908.06112",
    ),
    "Ma et al. (2020)": Reference(
        "Xingjun Ma, Hanxun Huang, Yisen Wang, Simone Romano, Sarah Erfani, James Bailey",
        "Normalized Loss Functions for Deep Learning with Noisy Labels",
        "ICML 2020; arXiv:2006.13554",
        "https://arxiv.org/abs/2006.13554",
    ),
    "Menon et al. (2021)": Reference(
        "Aditya Krishna Menon, Sadeep Jayasumana, Ankit Singh Rawat, Himanshu Jain, Andreas Veit, Sanjiv Kumar",
        "Long-tail learning via logit adjustment",
        "ICLR 2021; arXiv:2007.07314",
        "https://arxiv.org/abs/2007.07314",
    ),
    "Ren et al. (2020)": Reference(
        "Jiawei Ren, Cunjun Yu, Shunan Sheng, Xiao Ma, Haiyu Zhao, Shuai Yi, Hongsheng Li",
        "Balanced Meta-Softmax for Long-Tailed Visual Recognition",
        "NeurIPS 2020; arXiv:2007.10740",
        "https://arxiv.org/abs/2007.10740",
    ),
    "Cao et al. (2019)": Reference(
        "Kaidi Cao, Colin Wei, Adrien Gaidon, Nikos Arechiga, Tengyu Ma",
        "Learning Imbalanced Datasets with Label-Distribution-Aware Margin Loss",
        "NeurIPS 2019; arXiv:1906.07413",
        "https://arxiv.org/abs/1906.07413",
    ),
    "Ye et al. (2023)": Reference(
        "Xichen Ye, Xiaoqiang Li, Songmin Dai, Tong Liu, Yan Sun, Weiqin Tong",
        "Active Negative Loss Functions for Learning with Noisy Labels",
        "NeurIPS 2023",
        "https://papers.neurips.cc/paper_files/paper/2023/hash/15f4cefb0e143c7ad9d40e879b0a9d0c-Abstract-Conference.html",
    ),
    "Zhou et al. (2021)": Reference(
        "Xiong Zhou, Xianming Liu, Junjun Jiang, Xin Gao, Xiangyang Ji",
        "Asymmetric Loss Functions for Learning with Noisy Labels",
        "ICML 2021; arXiv:2106.03110",
        "https://arxiv.org/abs/2106.03110",
    ),
    "Englesson & Azizpour (2021)": Reference(
        "Erik Englesson, Hossein Azizpour",
        "Generalized Jensen-Shannon Divergence Loss for Learning with Noisy Labels",
        "NeurIPS 2021; arXiv:2105.04522",
        "https://arxiv.org/abs/2105.04522",
    ),
    "Amid et al. (2019)": Reference(
        "Ehsan Amid, Manfred K. Warmuth, Rohan Anil, Tomer Koren",
        "Robust Bi-Tempered Logistic Loss Based on Bregman Divergences",
        "NeurIPS 2019; arXiv:1906.03361",
        "https://arxiv.org/abs/1906.03361",
    ),
    "Reed et al. (2014)": Reference(
        "Scott Reed, Honglak Lee, Dragomir Anguelov, Christian Szegedy, Dumitru Erhan, Andrew Rabinovich",
        "Training Deep Neural Networks on Noisy Labels with Bootstrapping",
        "ICLR 2015 workshop; arXiv:1412.6596 (2014)",
        "https://arxiv.org/abs/1412.6596",
    ),
    "Feng et al. (2020)": Reference(
        "Lei Feng, Senlin Shu, Zhuoyi Lin, Fengmao Lv, Li Li, Bo An",
        "Can Cross Entropy Loss Be Robust to Label Noise?",
        "IJCAI 2020",
        "https://www.ijcai.org/proceedings/2020/305",
    ),
    "Patrini et al. (2017)": Reference(
        "Giorgio Patrini, Alessandro Rozza, Aditya Krishna Menon, Richard Nock, Lizhen Qu",
        "Making Deep Neural Networks Robust to Label Noise: a Loss Correction Approach",
        "CVPR 2017; arXiv:1609.03683",
        "https://arxiv.org/abs/1609.03683",
    ),
    "Kini et al. (2021)": Reference(
        "Ganesh Ramachandra Kini, Orestis Paraskevas, Samet Oymak, Christos Thrampoulidis",
        "Label-Imbalanced and Group-Sensitive Classification under Overparameterization",
        "NeurIPS 2021; arXiv:2103.01550",
        "https://arxiv.org/abs/2103.01550",
    ),
    "Wang et al. (2021)": Reference(
        "Jiaqi Wang, Wenwei Zhang, Yuhang Zang, Yuhang Cao, Jiangmiao Pang, Tao Gong, Kai Chen, Ziwei Liu, "
        "Chen Change Loy, Dahua Lin",
        "Seesaw Loss for Long-Tailed Instance Segmentation",
        "CVPR 2021; arXiv:2008.10032",
        "https://arxiv.org/abs/2008.10032",
    ),
    "Ridnik et al. (2021)": Reference(
        "Tal Ridnik, Emanuel Ben-Baruch, Nadav Zamir, Asaf Noy, Itamar Friedman, Matan Protter, Lihi Zelnik-Manor",
        "Asymmetric Loss For Multi-Label Classification",
        "ICCV 2021; arXiv:2009.14119",
        "https://arxiv.org/abs/2009.14119",
    ),
}

# Papers the catalogue cites for what the package does beyond single losses.
CUI_2019 = Reference(
    "Yin Cui, Menglin Jia, Tsung-Yi Lin, Yang Song, Serge Belongie",
    "Class-Balanced Loss Based on Effective Number of Samples",
    "CVPR 2019; arXiv:1901.05555",
    "https://arxiv.org/abs/1901.05555",
)
DRAGER_2022 = Reference(
    "Simon Dräger, Jannik Dunkelau",
    "Evaluating the Impact of Loss Function Variation in Deep Learning for Classification",
    "arXiv:2210.16003 (2022)",
    "https://arxiv.org/abs/2210.16003",
)
KERAS_LOSSES_URL = "https://keras.io/api/losses/"


def reference(paper):
    """The full `Reference` for a loss's short citation `paper`; a KeyError naming what to add."""
    try:
        return PAPERS[paper]
    except KeyError:
        raise KeyError(
            f"keras_losses.references: no full reference for the citation {paper!r}; "
            "add it to PAPERS in keras_losses/references.py."
        ) from None
