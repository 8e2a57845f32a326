"""Issue 26's losses equal their authors' own code on fixed inputs, and the conventions where that code
differs from the paper are the documented ones.

The numbers below were produced during development by running each authors' code as published
(PyTorch code on float64 CPU tensors, the bi-tempered TensorFlow code in TF2 eager mode, float32 as it
casts) on `LOGITS` / `LABELS`, batches of one for the per-example values, the batch mean's gradient
with respect to the logits. Sources (repository, file, commit):

- "ma/": HanxunH/Active-Passive-Losses, loss.py, 04bce5344035ca69102b9cfb0228df0f49f1707d
  (`mlconfig.register` stubbed out, `device` = CPU).
- "alfs/": hitcszx/ALFs, lnl/losses.py, 61245e9de0d2d8262495717546c1860ff01421b8.
- "anl/": Virusdoll/Active-Negative-Loss, loss.py, 0c50009cf82959310ea21365a64b01d723ccdac7
  (`anl_ce` / `anl_fl` with delta = 0: the L1 term is a weight regulariser, not part of the loss).
- "gjs/": ErikEnglesson/GJS, losses.py, 1a3c9e0788d4e14194771d096ab5a37ed434cebd
  (`JensenShannonDivergenceWeightedScaled`, one prediction).
- "bi_tempered_logistic_loss": google/bi-tempered-loss, tensorflow/loss.py,
  1c65c7770a3aa76a9515c67f15cfdbaad0e8cf88 (its custom gradient).
- "mmdet/": open-mmlab/mmdetection, mmdet/models/losses/seesaw_loss.py,
  08282a60904d22abc16bc8409d341ce1dd48b613 (`seesaw_ce_loss`, `.cuda()` dropped, `COUNTS` as `cum_samples`).
- "vs/": orparask/VS-Loss, class_imbalance/losses.py, 7ade9c9959951212415bb9aa4f5563caa5182e5e
  (`VSLoss` with its `torch.cuda.FloatTensor`s as CPU float64 tensors).
- "loss_correction/": giorgiop/loss-correction, loss.py, 15a79de3c67c31907733392085c333547c2f2b16
  (Keras 2 code: `robust("forward"/"backward", P)` and `boot_soft`, ported line by line to NumPy, applied
  to `softmax(LOGITS)` as the model's softmax output, P = `TRANSITION`).
"""

import importlib

import keras
import numpy as np
import pytest

import keras_losses
from tests.keras_losses import reference
from tests.keras_losses.backends import value_and_gradient
from tests.keras_losses.helpers import transition_matrix

LOGITS = np.array(
    [
        [2.0, -1.0, 0.5, 0.0, -2.0],
        [0.3, 0.2, -0.4, 1.1, 0.9],
        [-3.0, 4.0, 1.0, -0.5, 2.5],
        [1.5, 1.5, -1.0, 0.2, -0.7],
    ]
)
LABELS = np.array([1, 0, 4, 2])
ONE_HOT = np.eye(5)[LABELS]
COUNTS = [100.0, 46.0, 22.0, 10.0, 5.0]
TRANSITION = transition_matrix(5, rate=0.3)
nan = float("nan")  # The bi-tempered code's gradient where p = 0 and t2 < t1 (0·∞); ours is 0 there.

# source key: (per-example values, gradient of the batch mean with respect to the logits or None)
NUMBERS = {
    "ma/NormalizedFocalLoss(gamma=0.5)": (
        [0.280230249, 0.216081534, 0.0943094019, 0.339772289],
        [
            [-0.000446237887, -0.0152130512, 0.00464415247, 0.00516529979, 0.00584983687],
            [-0.0229406778, 0.00611668365, 0.00643545743, 0.00502098228, 0.00536755442],
            [0.00140192714, 0.00640265377, 0.00165586131, 0.00145494965, -0.0109153919],
            [0.00122118852, 0.00122118852, -0.016928939, 0.00665680158, 0.00782976043],
        ],
    ),
    "ma/NormalizedGeneralizedCrossEntropy(q=0.7)": (
        [0.250411861, 0.212961869, 0.189766898, 0.258122964],
        [
            [0.000900528482, -0.00389421103, 0.0014006469, 0.00117450709, 0.000418528551],
            [-0.0114308791, 0.00228926174, 0.00155448288, 0.00402770817, 0.00355942628],
            [5.74480801e-05, 0.00935746753, 0.00100984369, 0.000341563669, -0.010766323],
            [0.00096408052, 0.00096408052, -0.00389320125, 0.00115069597, 0.000814344241],
        ],
    ),
    "ma/NormalizedMeanAbsoluteError": (
        [0.120637514, 0.105617398, 0.103293686, 0.120838184],
        [
            [0.000764507109, -0.00105255893, 0.000170584594, 0.000103464786, 1.40024361e-05],
            [-0.00409428002, 0.000679868179, 0.000373119568, 0.00167220589, 0.00136908639],
            [3.85107971e-06, 0.0042232217, 0.000210261828, 4.69157553e-05, -0.00448425036],
            [0.000422019001, 0.000422019001, -0.00100581264, 0.000115013595, 4.67610382e-05],
        ],
    ),
    "ma/NCEandRCE(alpha=1,beta=1)": (
        [9.16221229, 7.99593953, 7.71242972, 9.22735696],
        [
            [0.0566641387, -0.0926144592, 0.0169673903, 0.0124812191, 0.00650171116],
            [-0.324525645, 0.055946457, 0.0334692714, 0.128660588, 0.106449328],
            [0.00175909461, 0.318204205, 0.0172395247, 0.00498886682, -0.342191691],
            [0.0328283313, 0.0328283313, -0.0906856407, 0.014546654, 0.0104823242],
        ],
    ),
    "ma/NCEandMAE(alpha=1,beta=1)": (
        [1.23841176, 1.05870114, 0.927819056, 1.29037588],
        [
            [0.0064492292, -0.0234795219, 0.00576292954, 0.0056853701, 0.00558199301],
            [-0.0556021799, 0.011290863, 0.00896176182, 0.0188255505, 0.0165240046],
            [0.0015061452, 0.0408114995, 0.00342895509, 0.00190731222, -0.047653912],
            [0.00510897372, 0.00510897372, -0.024621127, 0.00699224776, 0.00741093182],
        ],
    ),
    "ma/NFLandRCE(alpha=1,beta=1,gamma=0.5)": (
        [9.1691309, 7.9982591, 7.70526956, 9.24345883],
        [
            [0.0558847284, -0.09276846, 0.01721329, 0.0127888671, 0.00688157451],
            [-0.324618383, 0.056211223, 0.0339279236, 0.128233667, 0.106245569],
            [0.00168568519, 0.317581133, 0.0171485255, 0.0049118303, -0.341327174],
            [0.0323166981, 0.0323166981, -0.0910399538, 0.0151313166, 0.0112752411],
        ],
    ),
    "ma/NFLandMAE(alpha=10,beta=1,gamma=0.5)": (
        [3.7674026, 3.00575452, 1.76944351, 4.36442836],
        [
            [0.001653678, -0.160550984, 0.0478062015, 0.0524807162, 0.0586103882],
            [-0.262161018, 0.0666057819, 0.0673395309, 0.0635874699, 0.0646282353],
            [0.0140500801, 0.0978123114, 0.0182407077, 0.0149248226, -0.145027922],
            [0.0155880372, 0.0155880372, -0.177335892, 0.0674881245, 0.0786716926],
        ],
    ),
    "ma/NGCEandRCE(alpha=1,beta=1,q=0.1)": (
        [9.1597991, 7.99629945, 7.72933277, 9.21534524],
        [
            [0.056638658, -0.0902348373, 0.0165983186, 0.0119103461, 0.00508751452],
            [-0.322553892, 0.0553210856, 0.0325371859, 0.128505623, 0.106189997],
            [0.00134541496, 0.319158427, 0.0173599011, 0.00487824073, -0.342741984],
            [0.0326710427, 0.0326710427, -0.0878465076, 0.0135627324, 0.0089416898],
        ],
    ),
    "ma/NGCEandMAE(alpha=1,beta=1,q=0.1)": (
        [1.23599856, 1.05906106, 0.944722097, 1.27836417],
        [
            [0.00642374858, -0.0210998999, 0.00539385782, 0.00511449713, 0.00416779638],
            [-0.0536304272, 0.0106654917, 0.00802967633, 0.0186705853, 0.0162646739],
            [0.00109246555, 0.041765722, 0.00354933151, 0.00179668613, -0.0482042052],
            [0.00495168518, 0.00495168518, -0.0217819939, 0.00600832615, 0.00587029743],
        ],
    ),
    "alfs/AGCELoss(a=0.6,q=0.6)": (
        [0.94060598, 0.801521708, 0.780822199, 0.942532216],
        [
            [0.00733481924, -0.0100984404, 0.00163661939, 0.000992659839, 0.0001343419],
            [-0.0366500655, 0.00608585959, 0.00333999056, 0.0149687992, 0.0122554162],
            [3.41392965e-05, 0.0374382845, 0.00186394243, 0.000415901773, -0.0397522681],
            [0.00405302887, 0.00405302887, -0.00965972536, 0.00110457923, 0.0004490884],
        ],
    ),
    "alfs/AGCELoss(a=1,q=2)": (
        [1.46449111, 1.33291725, 1.31127224, 1.46615121],
        [
            [0.00632950657, -0.00871434491, 0.00141230382, 0.000856605565, 0.000115928957],
            [-0.0378331394, 0.00628231276, 0.00344780634, 0.015451996, 0.0126510243],
            [3.61585734e-05, 0.0396526905, 0.00197419121, 0.000440501602, -0.0421035419],
            [0.0034885594, 0.0034885594, -0.00831440555, 0.000950743349, 0.0003865434],
        ],
    ),
    "alfs/AUELoss(a=5.5,q=3)": (
        [24.0342966, 20.5237421, 19.9945096, 24.0822584],
        [
            [0.182670223, -0.251496908, 0.0407592361, 0.0247217264, 0.00334572184],
            [-0.935735412, 0.155381832, 0.0852753574, 0.382177637, 0.312900585],
            [0.000874041015, 0.958502359, 0.0477210225, 0.0106479994, -1.01774542],
            [0.100895859, 0.100895859, -0.240468628, 0.0274973295, 0.0111795799],
        ],
    ),
    "alfs/AUELoss(a=1.5,q=0.9)": (
        [0.971458686, 0.855311255, 0.837251846, 0.973003803],
        [
            [0.00588687461, -0.00810493759, 0.00131353927, 0.000796701842, 0.000107821869],
            [-0.031797814, 0.00528012783, 0.0028977956, 0.0129870188, 0.0106328717],
            [2.99506807e-05, 0.0328449096, 0.00163525176, 0.000364873987, -0.034874986],
            [0.00324928422, 0.00324928422, -0.00774413264, 0.000885533253, 0.000360030954],
        ],
    ),
    "alfs/AExpLoss(a=2.5)": (
        [0.986137033, 0.939860022, 0.932897257, 0.986770478],
        [
            [0.00241250807, -0.00332149548, 0.000538303313, 0.000326497463, 4.41866267e-05],
            [-0.0123137604, 0.00204473895, 0.00112217653, 0.00502924628, 0.0041175986],
            [1.14965174e-05, 0.0126074622, 0.000627688583, 0.000140056254, -0.0133867036],
            [0.00133259485, 0.00133259485, -0.00317601989, 0.000363174464, 0.000147655718],
        ],
    ),
    "anl/anl_ce(alpha=5,beta=5,min_prob=1e-7)": (
        [5.4324304, 5.07715811, 4.37314492, 5.71110498],
        [
            [0.00592927096, -0.0901325128, 0.0255982903, 0.0278211069, 0.0307838447],
            [-0.128160083, 0.032729385, 0.0333446321, 0.0307390487, 0.0313470168],
            [0.0118516661, 0.0375442323, 0.0131085412, 0.0121138953, -0.0746183349],
            [0.0125716987, 0.0125716987, -0.0974186123, 0.0337801109, 0.038495104],
        ],
    ),
    "anl/anl_fl(alpha=5,beta=5,gamma=0.5,min_prob=1e-7)": (
        [5.46970671, 5.08918216, 4.33158765, 5.79612174],
        [
            [0.00170790154, -0.0904790661, 0.0267942964, 0.0293279771, 0.0326488911],
            [-0.127290051, 0.0338284793, 0.0354992912, 0.0280687918, 0.0298934885],
            [0.0114797231, 0.0328366692, 0.01260077, 0.0117139643, -0.0686311266],
            [0.00985960498, 0.00985960498, -0.098774376, 0.0366453531, 0.0424098129],
        ],
    ),
    "gjs/JensenShannonDivergenceWeightedScaled(weights='0.5 0.5')": (
        [1.77984397, 1.34281027, 1.29028707, 1.78774668],
        [
            [0.0299082827, -0.0411771578, 0.0066734399, 0.00404764591, 0.000547789305],
            [-0.0948910885, 0.0157569661, 0.00864760635, 0.0387558829, 0.0317306332],
            [8.49315362e-05, 0.0931387388, 0.00463710476, 0.00103467793, -0.098895453],
            [0.0167316103, 0.0167316103, -0.0398770315, 0.00455989574, 0.00185391526],
        ],
    ),
    "gjs/JensenShannonDivergenceWeightedScaled(weights='0.7 0.3')": (
        [1.54022215, 1.20908492, 1.16706231, 1.54587628],
        [
            [0.0214240348, -0.0294962059, 0.00478034832, 0.00289942782, 0.000392394886],
            [-0.075509899, 0.0125386581, 0.00688136149, 0.0308401226, 0.0252497568],
            [6.83176738e-05, 0.0749194264, 0.0037300186, 0.000832279648, -0.0795500423],
            [0.0119565262, 0.0119565262, -0.0284964067, 0.00325853351, 0.00132482086],
        ],
    ),
    "mmdet/seesaw_ce_loss(p=0.8,q=2.0,eps=1e-2)": (
        [9.00699529, 1.36909461, 4.51408655, 8.19900067],
        [
            [0.248257279, -0.249969363, 0.00152865226, 0.000181521819, 1.90953187e-06],
            [-0.186415718, 0.0309119634, 0.00940333223, 0.111085284, 0.0350151381],
            [1.11912212e-05, 0.24650305, 0.000611019972, 0.000136336984, -0.247261598],
            [0.124270451, 0.124270451, -0.249931268, 0.00133869379, 5.16728186e-05],
        ],
    ),
    "vs/VSLoss(gamma=0.3,tau=1.0)": (
        [3.65086801, 0.535152186, 4.43062986, 3.98258198],
        [
            [0.230282782, -0.192903597, 0.00597992296, 0.00156196933, 0.000281021253],
            [-0.103604958, 0.0463053995, 0.0117513734, 0.00943337627, 0.00318431837],
            [0.00107126158, 0.186437291, 0.00567120916, 0.000839358615, -0.100560827],
            [0.179098883, 0.0477858779, -0.155774473, 0.00221403113, 0.000611722056],
        ],
    ),
    "vs/VSLoss(gamma=0.5,tau=1.5)": (
        [3.8864036, 0.315811731, 5.53679172, 4.43628964],
        [
            [0.239387481, -0.166079082, 0.00198248046, 0.000323975725, 5.17881125e-05],
            [-0.0677008194, 0.0327282365, 0.00541827279, 0.00191234367, 0.000412891991],
            [0.00250741067, 0.160633445, 0.00389633639, 0.000429972745, -0.0556814946],
            [0.205491455, 0.0268347146, -0.115872056, 0.000488449017, 9.80198909e-05],
        ],
    ),
    "bi_tempered_logistic_loss(t1=0.8,t2=1.2,label_smoothing=0.0,num_iters=5)": (
        [1.91191268, 1.2771219, 1.2440778, 1.90738738],
        [
            [0.0670975298, -0.0833883286, 0.009980103, 0.00563952886, 0.000671169953],
            [-0.104173921, 0.016802283, 0.00952592958, 0.043202091, 0.0346436165],
            [0.000176759931, 0.108473867, 0.00396804605, 0.00110565487, -0.113724306],
            [0.0352898017, 0.0352898017, -0.0815223157, 0.00783985294, 0.00310285529],
        ],
    ),
    "bi_tempered_logistic_loss(t1=0.5,t2=4.0,label_smoothing=0.0,num_iters=5)": (
        [0.740345001, 0.737495482, 0.731205761, 0.741686523],
        [
            [0.000188056743, -0.000703209429, 0.000177825597, 0.000174619447, 0.000162707642],
            [-0.000713876216, 0.000176806076, 0.000173072913, 0.000182663221, 0.000181334006],
            [0.000163441655, 0.000209665159, 0.00018747538, 0.000177809241, -0.00073839142],
            [0.000180043848, 0.000180043833, -0.000698011252, 0.000171673368, 0.000166250247],
        ],
    ),
    "bi_tempered_logistic_loss(t1=0.8,t2=0.7,label_smoothing=0.0,num_iters=5)": (
        [4.21945763, 1.52083719, 1.73256683, 4.18117237],
        [
            [nan, nan, nan, nan, nan],
            [-0.265801042, 0.0349962562, 0.00963029079, 0.123688407, 0.0974860862],
            [nan, nan, nan, nan, nan],
            [0.304362774, 0.304362774, -0.66717875, 0.0546239167, 0.00382929877],
        ],
    ),
    "bi_tempered_logistic_loss(t1=1.0,t2=1.5,label_smoothing=0.2,num_iters=5)": (
        [1.31500351, 0.908009708, 0.844610929, 1.32775426],
        [
            [0.043771822, -0.0603015088, 0.00982433558, 0.006202986, 0.000502364826],
            [-0.0669941083, 0.0120452158, 0.00747317029, 0.025836695, 0.021639023],
            [-0.000833265251, 0.0693439767, 0.0041343146, 0.00077287748, -0.073417902],
            [0.0242002085, 0.0242002085, -0.0589061305, 0.00731269503, 0.00319302222],
        ],
    ),
    "bi_tempered_logistic_loss(t1=0.7,t2=1.3,label_smoothing=0.1,num_iters=2)": (
        [1.23255682, 0.823612869, 0.848976851, 1.21176898],
        [
            [0.0455094241, -0.0499062091, 0.00392939243, 0.0013720938, -0.000904703629],
            [-0.0654658377, 0.0100649158, 0.00532160606, 0.027997667, 0.0220816508],
            [-0.000548656797, 0.0768963993, 0.000856070081, -0.000426712562, -0.0767771006],
            [0.022079872, 0.0220798757, -0.0479986928, 0.00331337797, 0.000525568379],
        ],
    ),
    "bi_tempered_logistic_loss(t1=1.0,t2=1.0,label_smoothing=0.0,num_iters=5)": (
        [3.35527182, 1.86393785, 1.75071049, 3.40236211],
        [
            [0.175245732, -0.241275027, 0.0391026102, 0.0237169303, 0.0032097376],
            [-0.211234793, 0.0350762084, 0.0192502327, 0.086273551, 0.0706348047],
            [0.000177417489, 0.194561899, 0.00968666747, 0.00216138735, -0.206587374],
            [0.101402611, 0.101402611, -0.24167636, 0.0276354365, 0.0112357289],
        ],
    ),
    "loss_correction/forward": ([1.44934144, 1.64348943, 2.08627263, 1.93109537], None),
    "loss_correction/backward": ([3.7485268, 2.04481763, -1.98037449, 4.2073475], None),
    "loss_correction/boot_soft": ([3.234292, 1.84505448, 1.69673997, 3.29365291], None),
}

# source key: (loss name, its configuration here); from logits unless the key is a loss_correction one.
CASES = {
    "ma/NormalizedFocalLoss(gamma=0.5)": ("nfl", {"gamma": 0.5}),
    "ma/NormalizedGeneralizedCrossEntropy(q=0.7)": ("ngce", {"q": 0.7}),
    "ma/NormalizedMeanAbsoluteError": ("nmae", {}),
    "ma/NCEandRCE(alpha=1,beta=1)": ("nce_rce", {}),
    "ma/NCEandMAE(alpha=1,beta=1)": ("nce_mae", {}),
    "ma/NFLandRCE(alpha=1,beta=1,gamma=0.5)": ("nfl_rce", {"gamma": 0.5}),
    "ma/NFLandMAE(alpha=10,beta=1,gamma=0.5)": ("nfl_mae", {"alpha": 10.0, "gamma": 0.5}),
    "ma/NGCEandRCE(alpha=1,beta=1,q=0.1)": ("ngce_rce", {"q": 0.1}),
    "ma/NGCEandMAE(alpha=1,beta=1,q=0.1)": ("ngce_mae", {"q": 0.1}),
    "alfs/AGCELoss(a=0.6,q=0.6)": ("agce", {"a": 0.6, "q": 0.6}),
    "alfs/AGCELoss(a=1,q=2)": ("agce", {"a": 1.0, "q": 2.0}),
    "alfs/AUELoss(a=5.5,q=3)": ("aul", {"a": 5.5, "q": 3.0}),
    "alfs/AUELoss(a=1.5,q=0.9)": ("aul", {}),
    "alfs/AExpLoss(a=2.5)": ("ael", {"a": 2.5}),
    "anl/anl_ce(alpha=5,beta=5,min_prob=1e-7)": ("anl_ce", {"alpha": 5.0, "beta": 5.0}),
    "anl/anl_fl(alpha=5,beta=5,gamma=0.5,min_prob=1e-7)": ("anl_fl", {"alpha": 5.0, "beta": 5.0, "gamma": 0.5}),
    "gjs/JensenShannonDivergenceWeightedScaled(weights='0.5 0.5')": ("js", {"pi": 0.5}),
    "gjs/JensenShannonDivergenceWeightedScaled(weights='0.7 0.3')": ("js", {"pi": 0.7}),
    "mmdet/seesaw_ce_loss(p=0.8,q=2.0,eps=1e-2)": ("seesaw", {"class_counts": COUNTS}),
    "vs/VSLoss(gamma=0.3,tau=1.0)": ("vs", {"class_counts": COUNTS}),
    "vs/VSLoss(gamma=0.5,tau=1.5)": ("vs", {"class_counts": COUNTS, "gamma": 0.5, "tau": 1.5}),
    "bi_tempered_logistic_loss(t1=0.8,t2=1.2,label_smoothing=0.0,num_iters=5)": ("bi_tempered", {}),
    "bi_tempered_logistic_loss(t1=0.5,t2=4.0,label_smoothing=0.0,num_iters=5)": ("bi_tempered", {"t1": 0.5, "t2": 4.0}),
    "bi_tempered_logistic_loss(t1=0.8,t2=0.7,label_smoothing=0.0,num_iters=5)": ("bi_tempered", {"t2": 0.7}),
    "bi_tempered_logistic_loss(t1=1.0,t2=1.5,label_smoothing=0.2,num_iters=5)": (
        "bi_tempered",
        {"t1": 1.0, "t2": 1.5, "label_smoothing": 0.2},
    ),
    "bi_tempered_logistic_loss(t1=0.7,t2=1.3,label_smoothing=0.1,num_iters=2)": (
        "bi_tempered",
        {"t1": 0.7, "t2": 1.3, "label_smoothing": 0.1, "num_iters": 2},
    ),
    "bi_tempered_logistic_loss(t1=1.0,t2=1.0,label_smoothing=0.0,num_iters=5)": ("bi_tempered", {"t1": 1.0, "t2": 1.0}),
    "loss_correction/forward": ("forward_corrected", {"transition_matrix": TRANSITION}),
    "loss_correction/backward": ("backward_corrected", {"transition_matrix": TRANSITION}),
    "loss_correction/boot_soft": ("bootstrap_soft", {}),
}


def _inputs(key):
    """The authors' input: logits, or for the Keras-2 loss-correction code the softmax output."""
    if key.startswith("loss_correction/"):
        return reference.softmax(LOGITS).astype("float32"), False
    return LOGITS.astype("float32"), True


def _loss(key, **keras_args):
    name, config = CASES[key]
    inputs, from_logits = _inputs(key)
    build = keras_losses.for_logits if from_logits else keras_losses.get
    return build(name, **config, **keras_args), inputs


def test_every_source_number_has_a_case():
    assert set(NUMBERS) == set(CASES)


@pytest.mark.parametrize("key", list(CASES))
def test_values_equal_the_authors_code(key):
    loss, inputs = _loss(key, reduction=None)
    np.testing.assert_allclose(np.asarray(loss(LABELS, inputs)), NUMBERS[key][0], rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("key", [key for key in CASES if NUMBERS[key][1] is not None])
def test_gradients_equal_the_authors_code(key):
    """The detached terms (NFL's, ANL's, seesaw's compensation) and bi-tempered's closed-form gradient."""
    loss, inputs = _loss(key)
    _, gradient = value_and_gradient(loss, LABELS, inputs)
    theirs = np.asarray(NUMBERS[key][1])
    finite = np.all(np.isfinite(theirs), axis=-1)
    np.testing.assert_allclose(gradient[finite], theirs[finite], rtol=1e-4, atol=2e-6)
    assert np.all(np.isfinite(gradient))  # where theirs is NaN (only bi-tempered with t2 < t1), ours is not


def test_bi_tempered_gradient_outside_the_support_is_zero_where_the_authors_code_gives_nan():
    key = "bi_tempered_logistic_loss(t1=0.8,t2=0.7,label_smoothing=0.0,num_iters=5)"
    assert np.isnan(NUMBERS[key][1][0]).all()  # example 0 has classes outside the support of p
    loss, inputs = _loss(key)
    _, gradient = value_and_gradient(loss, LABELS, inputs)
    tempered_softmax = importlib.import_module("keras_losses.tempered").tempered_softmax
    probabilities = keras.ops.convert_to_numpy(tempered_softmax(keras.ops.convert_to_tensor(inputs), 0.7))
    outside = probabilities[0] == 0
    assert outside.any() and np.all(gradient[0][outside] == 0)
