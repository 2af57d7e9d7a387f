namespace PodUnits.Runtime.Confinement.Seccomp;

/// <summary>A comparison of one syscall argument (seccomp_rule_add(3)). For SCMP_CMP_MASKED_EQ,
/// <see cref="Value"/> is the mask and <see cref="ValueTwo"/> the value to compare with.</summary>
public sealed class SeccompArgument
{
    /// <summary>0 to 5.</summary>
    public uint Index { get; init; }

    public ulong Value { get; init; }

    public ulong ValueTwo { get; init; }

    /// <summary>SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT or _MASKED_EQ.</summary>
    public string Op { get; set; } = "";
}
