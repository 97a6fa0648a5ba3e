package dev.textpoke.sim.asm;

import java.io.ByteArrayOutputStream;

/**
 * What an assembler of either instruction set does the same way: it lays code out over a {@link
 * CodeLayout} (labels, function symbols, source lines). The subclass encodes the instructions.
 *
 * @param <A> the assembler itself, so that chained calls keep its instructions in reach
 */
abstract class LayoutAssembler<A extends LayoutAssembler<A>> implements LabelledCode {
    final CodeLayout layout;
    /** The bytes so far ({@link CodeLayout#out()}). */
    final ByteArrayOutputStream out;

    LayoutAssembler(long origin, String localPrefix) {
        this.layout = new CodeLayout(origin, localPrefix);
        this.out = layout.out();
    }

    abstract A self();

    public long origin() {
        return layout.origin();
    }

    /** The address the next byte will have. */
    public long here() {
        return layout.here();
    }

    @Override
    public Label label() {
        return layout.label();
    }

    /** A new named label, not yet bound (the name is for messages and the source text). */
    @Override
    public Label label(String name) {
        return layout.label(name);
    }

    @Override
    public A bind(Label l) {
        layout.bind(l);
        return self();
    }

    @Override
    public Label mark() {
        return layout.mark();
    }

    /**
     * Starts a function symbol here, ending any open one: its size runs to the next {@link #function}
     * or {@link #endFunction}. Returns a label bound at its start.
     */
    @Override
    public Label function(String name) {
        Label l = label(name);
        function(l);
        return l;
    }

    /**
     * Starts a function symbol here named by {@code l} (a named label created earlier, possibly
     * already referenced), binding it; ends any open one.
     */
    @Override
    public A function(Label l) {
        layout.function(l);
        return self();
    }

    @Override
    public A endFunction() {
        layout.endFunction();
        return self();
    }
}
