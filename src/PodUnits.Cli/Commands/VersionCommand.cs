using System.CommandLine;
using System.Reflection;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits version</c>: which build this is.</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", """
            Print the PodUnits version and build (what a bug report should name).
              podunits version
            """);
        command.SetAction(_ =>
        {
            string version = typeof(VersionCommand).Assembly
                .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            Console.WriteLine($"podunits {version}");
            // The identity podunits-stage1 checks and prints (`podunits-stage1 version`): the
            // two installed files belong together only when they say the same (upgrade
            // review of 2026-12-07, finding 3).
            Console.WriteLine($"build {Core.Identity.BuildIdentity.Id}");
            return 0;
        });
        return command;
    }
}
