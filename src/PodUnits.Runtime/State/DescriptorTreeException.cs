using PodUnits.Core.Errors;

namespace PodUnits.Runtime.State;

/// <summary>A tree a container can write in could not be walked or removed in full
/// (<see cref="DescriptorTree"/>): <see cref="PodUnitsException.What"/> is the tree's path,
/// <see cref="PodUnitsException.Why"/> names the entry below it (escaped) and what failed.
/// What was removed before stays removed.</summary>
public sealed class DescriptorTreeException : PodUnitsException
{
    public DescriptorTreeException(string tree, string why) : base(tree, why) { }

    public DescriptorTreeException() { }

    public DescriptorTreeException(string message) : base(message) { }

    public DescriptorTreeException(string message, Exception innerException) : base(message, innerException) { }
}
