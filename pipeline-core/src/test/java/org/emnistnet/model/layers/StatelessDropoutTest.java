package org.emnistnet.model.layers;

import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Inverted dropout with hashed masks: what DL4J's dropout computes, with another source of randomness. */
class StatelessDropoutTest {
    private static final LayerWorkspaceMgr NO_WORKSPACES = LayerWorkspaceMgr.noWorkspaces();

    private static INDArray activations(long seed, int... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, shape).addi(0.5);
    }

    @Test
    void keepsEachActivationWithProbabilityPScaledByOneOverP() {
        double p = 0.75;
        INDArray x = activations(1, 64, 32, 14, 14);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        new StatelessDropout(p).applyDropout(x, out, 0, 0, NO_WORKSPACES);
        float[] in = x.reshape(-1).toFloatVector();
        float[] kept = out.reshape(-1).toFloatVector();
        int keptCount = 0;
        for (int i = 0; i < in.length; i++) {
            if (kept[i] != 0) {
                keptCount++;
                assertThat(kept[i]).isEqualTo(in[i] * (float) (1 / p));
            }
        }
        // binomial: mean n p, standard deviation sqrt(n p (1 - p)) = 220 here; 5 standard deviations
        double expected = in.length * p;
        assertThat((double) keptCount).isBetween(expected - 5 * Math.sqrt(expected * (1 - p)), expected + 5 * Math.sqrt(expected * (1 - p)));
    }

    @Test
    void theGradientTakesTheSameMaskAndScale() {
        StatelessDropout dropout = new StatelessDropout(0.6);
        INDArray x = activations(2, 16, 64, 7, 7);
        INDArray out = dropout.applyDropout(x, x.dup(), 0, 0, NO_WORKSPACES);
        INDArray ones = Nd4j.ones(DataType.FLOAT, x.shape());
        INDArray gradient = dropout.backprop(ones, ones.dup(), 0, 0);
        // out = x * mask / p and dL/dx = 1 * mask / p: out = x * gradient, element by element
        assertThat(out.reshape(-1).toFloatVector()).isEqualTo(x.mul(gradient).reshape(-1).toFloatVector());
        assertThat(gradient.reshape(-1).toFloatVector()).contains(0f, (float) (1 / 0.6));
        assertThatThrownBy(() -> dropout.backprop(ones, ones.dup(), 0, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void masksFollowNd4jsGeneratorSoARunRepeatsFromItsSeed() {
        INDArray x = activations(3, 8, 128, 3, 3);
        float[][] masks = new float[3][];
        for (int run = 0; run < 3; run++) {
            Nd4j.getRandom().setSeed(run < 2 ? 42 : 43);
            masks[run] = new StatelessDropout(0.5).applyDropout(x, x.dup(), 0, 0, NO_WORKSPACES).reshape(-1).toFloatVector();
        }
        assertThat(masks[1]).isEqualTo(masks[0]);
        assertThat(masks[2]).isNotEqualTo(masks[0]);
    }

    @Test
    void doublesGetTheMaskFloatsGet() {
        INDArray x = activations(4, 4, 256);
        Nd4j.getRandom().setSeed(7);
        INDArray floats = new StatelessDropout(0.5).applyDropout(x, x.dup(), 0, 0, NO_WORKSPACES);
        Nd4j.getRandom().setSeed(7);
        INDArray doubles = new StatelessDropout(0.5).applyDropout(x.castTo(DataType.DOUBLE), x.castTo(DataType.DOUBLE), 0, 0, NO_WORKSPACES);
        for (long i = 0; i < x.length(); i++) {
            assertThat(doubles.getDouble(i) == 0).isEqualTo(floats.getDouble(i) == 0);
        }
    }

    @Test
    void viewsAndOtherLayoutsGetTheMaskOfTheirElementsPositionsInCOrder() {
        INDArray view = activations(5, 64, 64).transpose(); // f-ordered view
        INDArray f = Nd4j.createUninitialized(DataType.FLOAT, view.shape(), 'f');
        Nd4j.getRandom().setSeed(11);
        StatelessDropout dropout = new StatelessDropout(0.5);
        INDArray out = dropout.applyDropout(view, f, 0, 0, NO_WORKSPACES);
        assertThat(out).isSameAs(f);
        INDArray gradient = dropout.backprop(Nd4j.ones(DataType.FLOAT, view.shape()).dup('f'), Nd4j.createUninitialized(DataType.FLOAT, view.shape(), 'f'), 0, 0);
        Nd4j.getRandom().setSeed(11);
        INDArray copy = new StatelessDropout(0.5).applyDropout(view.dup('c'), view.dup('c'), 0, 0, NO_WORKSPACES);
        assertThat(out.dup('c').reshape(-1).toFloatVector()).isEqualTo(copy.reshape(-1).toFloatVector());
        assertThat(out.dup('c').reshape(-1).toFloatVector()).isEqualTo(view.mul(gradient).dup('c').reshape(-1).toFloatVector());
    }

    @Test
    void channelsLastActivationsStayChannelsLastWithTheMasksOfTheirNchwPositions() {
        INDArray nchw = activations(6, 3, 32, 7, 5);
        INDArray channelsLast = ChannelsLast.of(nchw);
        assertThat(ChannelsLast.is(channelsLast)).isTrue();
        assertThat(ChannelsLast.is(nchw)).isFalse();
        Nd4j.getRandom().setSeed(13);
        StatelessDropout dropout = new StatelessDropout(0.5);
        INDArray out = dropout.applyDropout(channelsLast, Nd4j.createUninitialized(DataType.FLOAT, nchw.shape()), 0, 0, NO_WORKSPACES);
        assertThat(ChannelsLast.is(out)).isTrue();
        // DL4J's dropout layer hands the backward pass a c-ordered copy of the gradient
        INDArray gradient = dropout.backprop(Nd4j.ones(DataType.FLOAT, nchw.shape()), Nd4j.ones(DataType.FLOAT, nchw.shape()), 0, 0);
        Nd4j.getRandom().setSeed(13);
        INDArray fromNchw = new StatelessDropout(0.5).applyDropout(nchw, nchw.dup(), 0, 0, NO_WORKSPACES);
        assertThat(out.dup('c').reshape(-1).toFloatVector()).isEqualTo(fromNchw.reshape(-1).toFloatVector())
                .isEqualTo(nchw.mul(gradient).reshape(-1).toFloatVector())
                .contains(0f);
    }

    @Test
    void aConfigurationCarriesItsProbabilityAndNothingElse() throws Exception {
        ObjectMapper json = NeuralNetConfiguration.mapper();
        String saved = json.writeValueAsString(new StatelessDropout(0.7));
        assertThat(saved).contains("\"p\"").doesNotContain("seed").doesNotContain("masked");
        assertThat(json.readValue(saved, IDropout.class)).isEqualTo(new StatelessDropout(0.7));
        assertThatThrownBy(() -> new StatelessDropout(0)).hasMessageContaining("(0, 1]");
    }
}
