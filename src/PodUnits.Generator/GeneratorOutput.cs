namespace PodUnits.Generator;

/// <summary>
/// Writes what the generator produces for one pod into a generator output directory
/// (systemd.generator(7): the "normal" directory, below /etc and above /usr):
/// pod@NAME.service.d/50-podunits.conf and, for autostart pods,
/// multi-user.target.wants/pod@NAME.service pointing at the template unit.
/// </summary>
public sealed class GeneratorOutput
{
    /// <summary>Where pod@.service is installed (DESIGN.md, "Installed layout").</summary>
    public const string TemplateUnitPath = "/usr/lib/systemd/system/pod@.service";

    private readonly string _directory;

    public GeneratorOutput(string directory)
    {
        _directory = directory;
    }

    public static string UnitName(string podName) => $"pod@{podName}.service";

    public void Write(PodUnitSettings settings)
    {
        string unit = UnitName(settings.PodName);
        string dropInDirectory = Path.Combine(_directory, unit + ".d");
        Directory.CreateDirectory(dropInDirectory);
        File.WriteAllText(Path.Combine(dropInDirectory, DropInRenderer.FileName), DropInRenderer.Render(settings));

        if (settings.Autostart)
        {
            string wants = Path.Combine(_directory, "multi-user.target.wants");
            Directory.CreateDirectory(wants);
            string link = Path.Combine(wants, unit);
            if (File.Exists(link) || new FileInfo(link).LinkTarget is not null)
            {
                File.Delete(link);
            }
            File.CreateSymbolicLink(link, TemplateUnitPath);
        }
    }
}
