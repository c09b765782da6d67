"""The acoustic model: causal 2-D convolutions over time x frequency, then unidirectional
GRU layers, then a linear layer to the CTC blank plus 39 phones.

Streaming: both convolutions are causal in time (padded on the left only), the second has
time stride 3, so output frame j needs input frames up to 3j and nothing later; the GRUs
look only backwards. Sources/HotlineNN mirrors this exactly.
"""
import torch
from torch import nn
import torch.nn.functional as F

TIME_STRIDE = 3


class AcousticModel(nn.Module):
    def __init__(self, bins=40, channels=32, hidden=192, layers=2, outputs=40):
        super().__init__()
        self.config = dict(bins=bins, channels=channels, hidden=hidden, layers=layers, outputs=outputs)
        self.register_buffer("feature_mean", torch.zeros(bins))
        self.register_buffer("feature_scale", torch.ones(bins))
        self.conv1 = nn.Conv2d(1, channels, (3, 3), stride=(1, 2))
        self.conv2 = nn.Conv2d(channels, channels, (3, 3), stride=(TIME_STRIDE, 2))
        f1 = (bins + 2 - 3) // 2 + 1
        self.conv_bins = (f1 + 2 - 3) // 2 + 1
        self.gru = nn.GRU(channels * self.conv_bins, hidden, layers, batch_first=True)
        self.output = nn.Linear(hidden, outputs)

    @staticmethod
    def output_length(frames):
        return (frames - 1) // TIME_STRIDE + 1

    def forward(self, feats, state=None):
        """feats: (batch, frames, bins) raw fbank. Returns log-posteriors (batch, out_frames, outputs)."""
        x = (feats - self.feature_mean) * self.feature_scale
        x = x.unsqueeze(1)                                   # (B, 1, T, F)
        x = F.relu(self.conv1(F.pad(x, (1, 1, 2, 0))))       # pad freq 1/1, time 2 before
        x = F.relu(self.conv2(F.pad(x, (1, 1, 2, 0))))
        b, c, t, f = x.shape
        x = x.permute(0, 2, 1, 3).reshape(b, t, c * f)      # channel-major per frame
        x, state = self.gru(x, state)
        return F.log_softmax(self.output(x), dim=-1), state
