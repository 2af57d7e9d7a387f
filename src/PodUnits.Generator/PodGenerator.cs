using PodUnits.Definitions;

namespace PodUnits.Generator;

/// <summary>
/// One generator run: every definition of the search path (the first NAME.yaml wins) is
/// loaded and validated; each good one gets its drop-in (and wants link), each bad one is
/// reported by file and position and skipped, never stopping the others (Quadlet's rule).
/// </summary>
public static class PodGenerator
{
    /// <summary>Returns 0 when every definition was good, 1 when any was reported.</summary>
    public static int Run(PodDefinitionSearchPath searchPath, string outputDirectory, GeneratorLog log)
    {
        var output = new GeneratorOutput(outputDirectory);
        foreach ((string name, string file) in searchPath.All())
        {
            LoadResult result;
            try
            {
                result = PodDefinitionLoader.LoadFile(file);
            }
#pragma warning disable CA1031 // one unreadable file must not stop the generator
            catch (Exception e)
#pragma warning restore CA1031
            {
                log.Error($"{file}: {e.Message}; pod@{name}.service not generated");
                continue;
            }
            foreach (Diagnostic diagnostic in result.Diagnostics)
            {
                if (diagnostic.Severity == Severity.Error)
                {
                    log.Error(diagnostic.ToString());
                }
            }
            if (result.Pod is null)
            {
                log.Error($"{file}: invalid; pod@{name}.service not generated");
                continue;
            }
            output.Write(PodUnitSettingsMapper.Map(result.Pod, file));
        }
        return log.Errors == 0 ? 0 : 1;
    }
}
