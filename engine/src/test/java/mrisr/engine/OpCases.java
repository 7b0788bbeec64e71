package mrisr.engine;

import java.util.List;

/** A family's op cases; {@link OpRegistryTest} runs every provider listed there. */
public interface OpCases {
    List<OpCase> cases();
}
