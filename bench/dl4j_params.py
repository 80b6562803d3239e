"""DL4J's flat EMNISTNet parameter vector into the anchor's PyTorch EMNISTNet (bench/anchor_variants.py), in DL4J's
layer order: conv W [out,in,kh,kw] 'c'; dense W stored [nIn,nOut] 'f' == [nOut,nIn] 'c', then its bias; BatchNorm
gamma, beta, running mean, log10 of the running std. Shared by bench/dl4j_weights_in_torch.py and bench/step_match.py.
"""
import torch, torch.nn as nn


def layers(m):
    return [x for x in m.modules() if isinstance(x, (nn.Conv2d, nn.BatchNorm2d, nn.BatchNorm1d, nn.Linear))]


def load_into(m, data):
    """Copies the flat float tensor `data` into `m`; asserts that it is used up exactly."""
    off = 0

    def take(k):
        nonlocal off
        t = data[off:off + k]; off += k; return t
    with torch.no_grad():
        for x in layers(m):
            if isinstance(x, nn.Conv2d):
                x.weight.copy_(take(x.weight.numel()).view(x.weight.shape))
            elif isinstance(x, nn.Linear):
                x.weight.copy_(take(x.in_features * x.out_features).view(x.out_features, x.in_features))
                x.bias.copy_(take(x.out_features))
            else:
                c = x.num_features
                x.weight.copy_(take(c)); x.bias.copy_(take(c)); x.running_mean.copy_(take(c))
                std = 10 ** take(c); x.running_var.copy_(std * std - x.eps)
    assert off == data.numel(), (off, data.numel())
