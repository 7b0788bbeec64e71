package mrisr.sr.methods.pnp;

import java.util.function.Consumer;
import mrisr.sr.methods.FactorException;
import mrisr.sr.methods.SrContext;
import mrisr.sr.physics.Degradation;

/** What the plug-and-play methods take from an {@link SrContext}: the acquisition model and the progress listener. */
final class Contexts {
    private Contexts() {}

    /** {@code mrisr degrade}'s default acquisition for the context's factors (Gaussian slice profile, no noise). */
    static Degradation forwardModel(SrContext ctx) {
        double[] f = ctx.factors();
        for (int a = 0; a < 3; a++) {
            if (f[a] < 1) {
                throw new FactorException("factor along axis " + a + " is " + f[a] + ": a method that inverts the acquisition needs factors >= 1");
            }
        }
        return Degradation.builder().factors(f).build();
    }

    /** Where progress lines go. */
    static Consumer<String> progress(SrContext ctx) {
        return System.err::println;
    }
}
