using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using PodUnits.Core.Errors;
using PodUnits.Core.Linux;
using PodUnits.Definitions;
using PodUnits.Definitions.Host;
using PodUnits.Planning.Confinement;
using PodUnits.Planning.Network;
using PodUnits.Runtime.Confinement.Seccomp;
using PodUnits.Runtime.Network;
using PodUnits.Runtime.Network.Cni;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits validate FILE...</c>: checks pod definitions without running anything.
/// Diagnostics go to stderr as FILE:LINE:COL: error: MESSAGE (the form editors parse); exit 0
/// when every file is valid (warnings allowed), 2 otherwise. A missing or unreadable file is an
/// error for that file; the others are still checked.</summary>
internal static class ValidateCommand
{
    // Messages quote field names; keep '"' readable instead of \u0022 (the output is not HTML).
    private static readonly ValidateJsonContext Json = new(new JsonSerializerOptions(ValidateJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static Command Create()
    {
        var files = new Argument<string[]>("FILE") { Arity = ArgumentArity.OneOrMore, Description = "Pod definition files (NAME.yaml)." };
        var ignoreFileName = new Option<bool>("--ignore-file-name")
        {
            Description = "Don't require metadata.name to equal the file name (for manifests not yet installed as NAME.yaml).",
        };
        var output = GlobalOptions.Output();
        var command = new Command("validate", """
            Check pod definition files and report every problem with its file:line:column,
            including what a start on this host would refuse (a Secret, ConfigMap or network it lacks).
              podunits validate /etc/podunits/pods/web.yaml
              podunits validate --ignore-file-name ~/manifests/*.yaml
              podunits validate -o json web.yaml | jq '.[].diagnostics'
            """);
        command.Arguments.Add(files);
        command.Options.Add(ignoreFileName);
        command.Options.Add(output);
        command.SetAction(parsed => Run(
            parsed.GetValue(files) ?? [],
            parsed.GetValue(ignoreFileName),
            parsed.GetValue(output),
            Console.Out,
            Console.Error,
            escapeControls: !Console.IsErrorRedirected));
        return command;
    }

    /// <param name="escapeControls">Write control characters of the messages (which quote the
    /// file's values) as \xNN: a definition from elsewhere must not retitle or rewrite the
    /// reader's terminal, as `logs` and `status` guard against a container's output.</param>
    internal static int Run(IReadOnlyList<string> files, bool ignoreFileName, OutputFormat format, TextWriter stdout, TextWriter stderr,
        bool escapeControls = false)
    {
        var options = LoadOptions.Default with
        {
            RequireNameMatchesFile = !ignoreFileName,
            HostChecks = new HostChecks(SeccompPlanner.ProfileDirectory, CapabilityGrants.PodServiceBoundingSet(LinuxCapabilities.BoundingSet())),
        };
        var reports = new List<ValidateReport>();
        bool allValid = true;
        foreach (string file in files)
        {
            if (!File.Exists(file) && !Directory.Exists(file))
            {
                // No position: there is no file to point into. A pod's name, as every other
                // pod command takes, is told where its definition is.
                string message = "no such file" + (!file.Contains('/', StringComparison.Ordinal) && PodDefinitionSearchPath.Default.Find(file) is { } definition
                    ? $" (validate takes files: pod {file}'s definition is {definition})" : "");
                allValid = false;
                if (format == OutputFormat.Json)
                {
                    reports.Add(new ValidateReport(file, false, [new ValidateDiagnostic("error", 0, 0, message)]));
                }
                else
                {
                    stderr.WriteLine(escapeControls ? Escaped($"podunits: {file}: {message}") : $"podunits: {file}: {message}");
                }
                continue;
            }
            // Outside the search path a differing metadata.name only matters once the file is
            // installed: a warning that says how, not an error.
            LoadResult result = WithHostChecks(PodDefinitionLoader.LoadFile(file,
                options with { NameMismatchIsWarning = !PodDefinitionSearchPath.Default.Contains(file) }), file);
            allValid &= result.IsValid;
            if (format == OutputFormat.Json)
            {
                reports.Add(new ValidateReport(file, result.IsValid,
                    [.. result.Diagnostics.Select(d => new ValidateDiagnostic(d.IsError ? "error" : "warning", d.Line, d.Column, d.Message))]));
                continue;
            }
            foreach (Diagnostic d in result.Diagnostics)
            {
                stderr.WriteLine(escapeControls ? Escaped(d.ToString()) : d.ToString());
            }
            if (result.IsValid)
            {
                stdout.WriteLine($"{file}: valid");
            }
        }
        if (format == OutputFormat.Json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(reports, Json.ListValidateReport));
        }
        return allValid ? ExitCodes.Ok : ExitCodes.BadInput;
    }

    private static string Escaped(string text) =>
        System.Text.Encoding.UTF8.GetString(LogsCommand.EscapeControls(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>What a start on this host would refuse beyond the definition itself, as the
    /// loader already does for Secrets and ConfigMaps: a podunits.io/network that names no
    /// network configuration here, and everything stage 0 checks of the network the pod
    /// joins (a plugin or IPAM plugin not installed, a hostPort it cannot publish), with
    /// stage 0's words. The default network missing altogether is not reported: that is the
    /// host's installation, not the definition.</summary>
    private static LoadResult WithHostChecks(LoadResult result, string file)
    {
        if (result.Pod is not { HostNetwork: false } pod)
        {
            return result;
        }
        (string field, int line, int column) = pod.Network is { } at
            ? ("metadata.annotations.podunits.io/network: ", at.Line, at.Column)
            : ("", 1, 1);
        string? error = null;
        try
        {
            _ = NetworkConfigs.Find(pod.Network?.Name ?? NetworkConfigs.DefaultNetwork, NetworkConfigs.DefaultDirs);
        }
        catch (BadInputException e)
        {
            if (pod.Network is null)
            {
                return result;
            }
            error = field + e.Message;
        }
        try
        {
            _ = error is null ? NetworkPlanner.Plan(pod, machineId: "", NetworkConfigs.DefaultDirs, CniRuntime.Default) : null;
        }
        catch (BadInputException e)
        {
            error = e.Why; // stage 0's words, the field's path included
        }
        return error is null
            ? result
            : new LoadResult(null, [.. result.Diagnostics, new Diagnostic(Severity.Error, file, line, column, error)]);
    }
}

internal sealed record ValidateReport(string File, bool Valid, List<ValidateDiagnostic> Diagnostics);

internal sealed record ValidateDiagnostic(string Severity, int Line, int Column, string Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(List<ValidateReport>))]
internal sealed partial class ValidateJsonContext : JsonSerializerContext;
