using System.Runtime.InteropServices;
using PodUnits.Core.Errors;
using PodUnits.Definitions;

namespace PodUnits.Planning.Configuration;

/// <summary>
/// What DirectoryOrCreate and FileOrCreate say when the host refuses the creation: a
/// read-only /usr (an ostree host: EROFS), an NFS export with root_squash (EACCES), a
/// dangling symbolic link at the path. Each was an "internal error" with .NET's text, naming
/// neither the pod nor the volume (volumes review of 2026-12-07, finding 6); now one line
/// that names both, as a failed type check does.
/// </summary>
internal static class HostPathCreation
{
    public static void Create(string what, HostPathVolume volume, Action create)
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(create);
        try
        {
            // The kubelet refuses a dangling link too: making its target would create a file
            // wherever the link points, which is not the path the definition names.
            if (new FileInfo(volume.Path).LinkTarget is { } target)
            {
                throw Cannot(what, volume, $"a symbolic link to {target}, which does not exist");
            }
            create();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Cannot(what, volume, Reason(e), e);
        }
    }

    private static PodUnitsException Cannot(string what, HostPathVolume volume, string reason, Exception? inner = null) =>
        new(what, $"hostPath {volume.Path} (type {volume.Type}): cannot create it: {reason}", ExitCodes.RuntimeFailure, inner);

    /// <summary>The system's words for the failure, not .NET's message: with
    /// UseSystemResourceKeys that is a resource key ("IO_FileExists_Name, ..."). On Linux an
    /// IOException's HResult is the errno.</summary>
    private static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied (root refused: an NFS export with root_squash, or a security module)",
        IOException { HResult: > 0 and < 4096 } io => Marshal.GetPInvokeErrorMessage(io.HResult),
        _ => e.Message,
    };
}
