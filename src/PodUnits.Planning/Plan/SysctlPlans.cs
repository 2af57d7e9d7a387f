using PodUnits.Definitions;
using PodUnits.Runtime.Plan;

namespace PodUnits.Planning.Plan;

/// <summary>One factory for a sysctl's plan, used by the plan builder (spec.securityContext.sysctls)
/// and the user namespace planner (the sysctls a pod with its own user namespace needs).</summary>
internal static class SysctlPlans
{
    /// <summary>The plan for sysctl <paramref name="name"/> (dot form, normalized) = <paramref name="value"/>.</summary>
    public static SysctlPlan Of(string name, string value) =>
        new() { Name = name, ProcPath = SysctlNames.ProcPath(name), Value = value };
}
