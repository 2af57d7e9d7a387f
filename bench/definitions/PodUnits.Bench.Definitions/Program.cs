using System.Diagnostics;
using PodUnits.Definitions;

// Parses and validates N generated pod files (each like examples/web.yaml: an init container,
// two containers with env, ports, mounts, limits, a readiness probe; every tenth in flow style)
// from disk, ROUNDS times, and prints one table row per round. Usage: DIR [N] [ROUNDS]
string dir = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "podunits-bench-defs");
int n = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000;
int rounds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5;

Directory.CreateDirectory(dir);
var files = new List<string>(n);
for (int i = 0; i < n; i++)
{
    string path = Path.Combine(dir, $"pod-{i}.yaml");
    File.WriteAllText(path, i % 10 == 9 ? Flow(i) : Block(i));
    files.Add(path);
}

Console.WriteLine($"{"round",-6} {"files",6} {"valid",6} {"total ms",9} {"µs/file",8}");
for (int round = 1; round <= rounds; round++)
{
    var watch = Stopwatch.StartNew();
    int valid = 0;
    foreach (string file in files)
    {
        valid += PodDefinitionLoader.LoadFile(file).IsValid ? 1 : 0;
    }
    watch.Stop();
    Console.WriteLine($"{round,-6} {n,6} {valid,6} {watch.Elapsed.TotalMilliseconds,9:F1} {watch.Elapsed.TotalMicroseconds / n,8:F1}");
    if (valid != n)
    {
        Console.Error.WriteLine("bench: some generated files did not validate");
        return 1;
    }
}
return 0;

static string Block(int i) => $$"""
    apiVersion: v1
    kind: Pod
    metadata:
      name: pod-{{i}}
      labels: {app: web, instance: "{{i}}"}
      annotations:
        podunits.io/autostart: "true"
    spec:
      restartPolicy: Always
      terminationGracePeriodSeconds: 10
      volumes:
      - name: content
        emptyDir: {medium: Memory, sizeLimit: 16Mi}
      - name: logs
        hostPath: {path: /var/log/pod-{{i}}, type: DirectoryOrCreate}
      initContainers:
      - name: setup
        image: busybox:1.36
        command: ["sh", "-c", "echo hello > /content/index.html"]
        volumeMounts: [{name: content, mountPath: /content}]
      containers:
      - name: server
        image: registry.example:5000/web:{{i % 7}}
        command: ["httpd", "-f", "-p", "$(PORT)", "-h", "/www"]
        env:
        - name: PORT
          value: "{{8000 + i % 1000}}"
        - name: MODE
          value: production
        ports:
        - {name: http, containerPort: {{8000 + i % 1000}}}
        volumeMounts:
        - {name: content, mountPath: /www, readOnly: true}
        - {name: logs, mountPath: /var/log/httpd}
        resources:
          limits: {memory: {{64 + i % 64}}Mi, cpu: {{100 + i % 900}}m}
          requests: {memory: 32Mi}
        readinessProbe:
          tcpSocket: {port: http}
          periodSeconds: 2
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
      - name: sidecar
        image: busybox
        args: ["sh", "-c", "while true; do date; sleep 30; done"]
        resources:
          limits: {memory: 16Mi, cpu: "0.1"}
    """;

static string Flow(int i) => $$$"""
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "pod-{{{i}}}"},
     "spec": {"containers": [{"name": "app", "image": "nginx:1.29",
       "ports": [{"containerPort": 80}],
       "resources": {"limits": {"memory": "128Mi", "cpu": "500m"}},
       "readinessProbe": {"exec": {"command": ["cat", "/tmp/ready"]} } }]} }
    """;
