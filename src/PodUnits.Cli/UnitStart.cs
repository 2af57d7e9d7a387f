using PodUnits.Core.Naming;

namespace PodUnits.Cli;

/// <summary>
/// pod@.service's own command line, `podunits run NAME`, which every pod start runs: it goes
/// straight to stage 0 without building the command tree. Building it costs a few ms of CPU
/// per start, most of it System.CommandLine's help option loading its localized
/// descriptions through a ResourceManager, which under NativeAOT means runtime reflection
/// (perf over 110 pods started at once: 12% of stage 0's CPU). Only that exact form takes
/// this path, and it does what the run command's action does for it (Commands/RunCommand.cs:
/// no -i, no options, no command, so Stage0.RunAsync(NAME)); anything else, `run --help`
/// or a file name included, is parsed as always. Either way a SIGTERM while stage 0 plans is
/// stage 0's own (Stage0.RunPodAsync): it cancels the pull and releases what the start took.
/// </summary>
internal static class UnitStart
{
    public static bool Matches(string[] args) => args is ["run", string name] && ResourceNames.IsValid(name);
}
