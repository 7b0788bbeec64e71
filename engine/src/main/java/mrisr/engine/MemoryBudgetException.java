package mrisr.engine;

/** An allocation would exceed the engine's memory budget; thrown before anything is allocated. */
public class MemoryBudgetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MemoryBudgetException(String message) {
        super(message);
    }
}
