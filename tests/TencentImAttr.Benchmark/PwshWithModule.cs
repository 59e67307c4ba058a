using System;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace TencentImAttr.Benchmark;

/// <summary>
/// Runs a script in a new pwsh process (the repository's `dotnet pwsh` tool) with the module imported: the figures
/// of the cmdlets as a person's session would pay them. Used by <see cref="CpuPerUserScenario"/>.
/// </summary>
internal sealed class PwshWithModule
{
    private PwshWithModule(string repositoryRoot, string modulePath)
    {
        RepositoryRoot = repositoryRoot;
        ModulePath = modulePath;
    }

    /// <summary>The folder that holds TencentImAttr.sln (the tool manifest is found from there).</summary>
    public string RepositoryRoot { get; }

    /// <summary>The module's manifest the script imports.</summary>
    public string ModulePath { get; }

    /// <summary>
    /// The module built in out/TencentImAttr/ (or <paramref name="modulePath"/>, for example another commit's build);
    /// null, with <paramref name="why"/>, when it is not there.
    /// </summary>
    public static PwshWithModule? Find(string? modulePath, out string why)
    {
        var root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "TencentImAttr.sln"))) root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar));
        if (root is null)
        {
            why = "the repository (TencentImAttr.sln) was not found above " + AppContext.BaseDirectory;
            return null;
        }
        var module = Path.GetFullPath(modulePath ?? Path.Combine(root, "out", "TencentImAttr", "TencentImAttr.psd1"));
        if (!File.Exists(module))
        {
            why = module + " does not exist (build the module first: dotnet build -c Release)";
            return null;
        }
        why = "";
        return new PwshWithModule(root, module);
    }

    /// <summary>
    /// Runs <paramref name="script"/> and returns its standard output; throws when it fails. The script's param block
    /// gets -Module (the manifest's path, to import) and then <paramref name="arguments"/>.
    /// </summary>
    public string Run(string script, params string[] arguments)
    {
        var file = Path.Combine(Path.GetTempPath(), "TencentImAttr.Benchmark." + Guid.NewGuid().ToString("N") + ".ps1");
        File.WriteAllText(file, script, Encoding.UTF8);
        try
        {
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            start.Environment["NO_COLOR"] = "1";
            foreach (var arg in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-File", file, "-Module", ModulePath }) start.ArgumentList.Add(arg);
            foreach (var arg in arguments) start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"pwsh exited with {process.ExitCode}: {stderr.Result}{stdout}");
            return stdout;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
