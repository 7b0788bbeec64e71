package mrisr.nn.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void parsesEveryValueKindKeepingKeyOrder() throws Exception {
        Object v = Json.parse(" {\"z\": [1, -0, 2.5e-3, 10E+2], \"a\": {\"t\": true, \"f\": false, \"n\": null}, "
                + "\"s\": \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83e\\udde0 µ\"} \n");
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        assertThat(m.keySet()).containsExactly("z", "a", "s");
        assertThat(List.copyOf((List<?>) m.get("z")).toArray()).containsExactly(BigInteger.ONE, BigInteger.ZERO, new BigDecimal("2.5e-3"),
                new BigDecimal("10E+2"));
        Map<?, ?> a = (Map<?, ?>) m.get("a");
        assertThat(a.get("t")).isEqualTo(Boolean.TRUE);
        assertThat(a.get("f")).isEqualTo(Boolean.FALSE);
        assertThat(a.get("n")).isSameAs(Json.NULL);
        assertThat(m.get("s")).isEqualTo("q\"\\/\b\f\n\r\té\uD83E\uDDE0 µ");
    }

    @Test
    void quoteRoundTrips() throws Exception {
        String raw = "a\"b\\c\nd\u0001e\u007f🧠";
        StringBuilder b = new StringBuilder();
        Json.quote(b, raw);
        assertThat(Json.parse(b.toString())).isEqualTo(raw);
    }

    @Test
    void refusesDeepNestingAndDuplicates() {
        assertThatThrownBy(() -> Json.parse("[".repeat(65) + "]".repeat(65))).hasMessageContaining("nesting deeper than 64");
        assertThat(catchDuplicate("{\"a\":1,\"a\":2}")).isTrue();
        assertThat(catchDuplicate("{\"a\":1,\"b\":[1,}")).isFalse();
    }

    private static boolean catchDuplicate(String s) {
        try {
            Json.parse(s);
            return false;
        } catch (Json.ParseException e) {
            return e.duplicateKey;
        }
    }
}
