package dev.textpoke.elf;

/**
 * A {@code SHT_REL} or {@code SHT_RELA} section: its relocations apply to section {@code target}
 * ({@code sh_info}) and name symbols of the table in section {@code symbolTable} ({@code sh_link}).
 */
public record RelocationSection(Section section, int target, int symbolTable) {
    public boolean isRela() {
        return section.type() == Section.SHT_RELA;
    }
}
