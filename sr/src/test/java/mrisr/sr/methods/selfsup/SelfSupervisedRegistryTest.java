package mrisr.sr.methods.selfsup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import mrisr.sr.cli.Main;
import mrisr.sr.methods.Methods;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SelfSupervisedRegistryTest {

    @Test
    void bothMethodsAreRegisteredAndListedInTheSrHelp() {
        assertThat(Methods.get("smore")).isInstanceOf(Smore.class);
        assertThat(Methods.get("zssr")).isInstanceOf(Zssr.class);
        assertThat(SelfSupervised.all()).extracting(SelfSupervisedMethod::name).containsExactly("smore", "zssr");
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        assertThat(cl.execute("sr", "--help")).isZero();
        assertThat(out.toString()).containsPattern("(?m)^  smore +self-supervised through-plane SR \\(SMORE\\)")
                .containsPattern("(?m)^  zssr +zero-shot in-plane SR \\(ZSSR\\)");
    }
}
