namespace PodUnits.UnitTests;

/// <summary>Finds the checkout the tests were built from (the folder holding PodUnits.sln).</summary>
internal static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "PodUnits.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("PodUnits.sln not found above " + AppContext.BaseDirectory);
    }
}
