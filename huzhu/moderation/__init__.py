"""Trust and safety: reports, the review queue, sanctions, appeals, standing (信用分),
fact-check notes (核实) and shared ban lists."""
