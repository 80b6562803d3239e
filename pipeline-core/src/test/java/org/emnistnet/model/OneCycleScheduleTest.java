package org.emnistnet.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The one-cycle schedule reproduces PyTorch's OneCycleLR(max_lr=3e-3, total_steps=100). */
class OneCycleScheduleTest {
    private final OneCycleSchedule schedule = new OneCycleSchedule(3e-3, 100, 0.3, 25, 1e4);

    /** Values printed once by torch.optim.lr_scheduler.OneCycleLR (torch 2.x, Debian's python3-torch). */
    @Test
    void matchesPyTorchAtChosenSteps() {
        double[][] torch = {
                {0, 0.00011999999999999988}, {1, 0.00012844134169772217}, {10, 0.0008854918453923021},
                {28, 0.0029915586583022778}, {29, 0.003}, {30, 0.002998489605853573}, {50, 0.002381680351727196},
                {75, 0.0007892058495024768}, {98, 1.5223941464273639e-06}, {99, 1.2e-08}};
        for (double[] point : torch) {
            assertEquals(point[1], schedule.valueAt((int) point[0], 0), point[1] * 1e-9, "step " + (int) point[0]);
        }
    }

    /** AdamW's beta1 as OneCycleLR (cycle_momentum=True, its default) sets it, printed by the same torch. */
    @Test
    void cyclesBeta1AsPyTorchDoesWithAdamW() {
        double[][] torch = {
                {0, 0.95}, {1, 0.9497068978577179}, {10, 0.9234204220349895}, {28, 0.850293102142282}, {29, 0.85},
                {30, 0.8500503466729342}, {50, 0.8706107373853763}, {75, 0.9236934331236499},
                {98, 0.9499496533270657}, {99, 0.95}};
        for (double[] point : torch) {
            assertEquals(point[1], schedule.momentumAt((int) point[0]), 1e-12, "step " + (int) point[0]);
        }
    }

    @Test
    void aScheduleSavedBeforeMomentumCyclingKeepsDl4jsConstantBeta1() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String saved = json.writeValueAsString(schedule).replaceAll("\"(baseMomentum|maxMomentum)\":[0-9.]+,?", "");
        assertFalse(saved.contains("Momentum"), saved);
        OneCycleSchedule old = json.readValue(saved.replace(",}", "}"), OneCycleSchedule.class);
        assertEquals(0.9, old.momentumAt(0));
        assertEquals(0.9, old.momentumAt(29));
        assertEquals(schedule.valueAt(50, 0), old.valueAt(50, 0));
    }

    @Test
    void staysAtTheFinalValueAfterTheLastStep() {
        assertEquals(1.2e-08, schedule.valueAt(150, 9), 1e-20);
    }

    @Test
    void survivesDl4jJsonSerialisation() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ISchedule copy = json.readValue(json.writeValueAsString(schedule), OneCycleSchedule.class);
        assertEquals(schedule, copy);
    }
}
