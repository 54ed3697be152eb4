// Command pulumi-language-python is Pilothouse's minimal Pulumi language host
// for Python programs.
//
// Pulumi's own Python language host lives in a Go module that the module proxy
// available to this project does not serve, so this small replacement is built
// instead. It implements the parts of the LanguageRuntime gRPC service that
// `pulumi preview/up/destroy/refresh/install/about` need:
//
//   - Run: starts `python pulumi-language-python-exec ...` (the exec shim that
//     ships in the github.com/pulumi/pulumi/sdk/v3 module; tools/bootstrap.sh
//     installs it next to this binary) inside the project's virtualenv.
//   - RunPlugin: runs a plugin written in Python, such as a policy pack
//     (`pulumi preview --policy-pack policy`), in its own virtualenv.
//   - InstallDependencies, About, GetPluginInfo, Handshake.
//
// Everything else answers Unimplemented, which the engine tolerates (for
// example, required plugins are then resolved lazily when the program
// registers its first resource of a package).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is set with -ldflags "-X main.version=...".
var version = "0.0.0-dev"

// exitCodeUserMessage is the exec shim's "error already shown to the user" code.
const exitCodeUserMessage = 32

func main() {
	flag.String("tracing", "", "tracing endpoint (accepted for compatibility; ignored)")
	flag.String("root", "", "plugin root directory (accepted for compatibility; ignored)")
	execFlag := flag.String("use-executor", "", "path of pulumi-language-python-exec (default: next to this binary)")
	flag.Parse()

	shim := *execFlag
	if shim == "" {
		self, err := os.Executable()
		if err == nil {
			self, err = filepath.EvalSymlinks(self)
		}
		if err != nil {
			fatal("cannot locate own executable: %v", err)
		}
		shim = filepath.Join(filepath.Dir(self), "pulumi-language-python-exec")
	}
	if _, err := os.Stat(shim); err != nil {
		fatal("exec shim not found: %v", err)
	}

	h := &host{shim: shim}
	if flag.NArg() > 0 {
		h.engine = flag.Arg(0)
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fatal("could not start language host gRPC server: %v", err)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fatal("language host stopped: %v", err)
	}
}

func fatal(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "pulumi-language-python: "+format+"\n", args...)
	os.Exit(1)
}

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	shim   string
	mu     sync.Mutex
	engine string
}

func (h *host) engineAddress() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engine
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engine = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// resolve picks the Python toolchain from the project's runtime options
// (`runtime.options.virtualenv` and `runtime.options.toolchain` in Pulumi.yaml).
func resolve(info *pulumirpc.ProgramInfo, fallbackDir string) (toolchain.Toolchain, error) {
	opts := toolchain.PythonOptions{Root: fallbackDir, ProgramDir: fallbackDir, Toolchain: toolchain.Auto}
	if info != nil {
		if info.GetRootDirectory() != "" {
			opts.Root = info.GetRootDirectory()
		}
		if info.GetProgramDirectory() != "" {
			opts.ProgramDir = info.GetProgramDirectory()
		}
		fields := info.GetOptions().GetFields()
		if v, ok := fields["virtualenv"]; ok {
			opts.Virtualenv = v.GetStringValue()
		}
		if v, ok := fields["toolchain"]; ok {
			switch v.GetStringValue() {
			case "pip":
				opts.Toolchain = toolchain.Pip
			case "poetry":
				opts.Toolchain = toolchain.Poetry
			case "uv":
				opts.Toolchain = toolchain.Uv
			case "", "auto":
			default:
				return nil, fmt.Errorf("unsupported python toolchain %q", v.GetStringValue())
			}
		}
	}
	return toolchain.ResolveToolchain(opts)
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	pwd := req.GetPwd()
	if pwd == "" {
		pwd = info.GetProgramDirectory()
	}
	tc, err := resolve(info, pwd)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	program := req.GetProgram()
	if info != nil && info.GetProgramDirectory() != "" {
		program = filepath.Join(info.GetProgramDirectory(), info.GetEntryPoint())
	}
	if program == "" {
		program = "."
	}

	args := []string{h.shim}
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engineAddress())
	add("project", req.GetProject())
	add("root_directory", info.GetRootDirectory())
	add("stack", req.GetStack())
	add("pwd", pwd)
	add("dry_run", strconv.FormatBool(req.GetDryRun()))
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("organization", req.GetOrganization())
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	cmd, err := tc.Command(ctx, args...)
	if err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("cannot prepare python: %v", err)}, nil
	}
	env := cmd.Env
	if env == nil {
		env = os.Environ()
	}
	if cfg := req.GetConfig(); cfg != nil {
		b, err := json.Marshal(cfg)
		if err != nil {
			return nil, err
		}
		env = append(env, "PULUMI_CONFIG="+string(b))
	}
	if keys := req.GetConfigSecretKeys(); keys != nil {
		b, err := json.Marshal(keys)
		if err != nil {
			return nil, err
		}
		env = append(env, "PULUMI_CONFIG_SECRET_KEYS="+string(b))
	}
	cmd.Env = env
	cmd.Dir = pwd
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr

	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == exitCodeUserMessage {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err),
		}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// streamWriter forwards output of dependency installation to the engine.
type streamWriter struct {
	send   func(*pulumirpc.InstallDependenciesResponse) error
	stderr bool
}

func (w streamWriter) Write(p []byte) (int, error) {
	b := append([]byte(nil), p...)
	msg := &pulumirpc.InstallDependenciesResponse{Stdout: b}
	if w.stderr {
		msg = &pulumirpc.InstallDependenciesResponse{Stderr: b}
	}
	if err := w.send(msg); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	srv grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	dir := req.GetDirectory()
	if req.GetInfo().GetProgramDirectory() != "" {
		dir = req.GetInfo().GetProgramDirectory()
	}
	tc, err := resolve(req.GetInfo(), dir)
	if err != nil {
		return err
	}
	var out, errOut io.Writer = streamWriter{send: srv.Send}, streamWriter{send: srv.Send, stderr: true}
	return tc.InstallDependencies(srv.Context(), dir, req.GetUseLanguageVersionTools(), true, out, errOut)
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	tc, err := resolve(req.GetInfo(), req.GetInfo().GetProgramDirectory())
	if err != nil {
		return nil, err
	}
	about, err := tc.About(ctx)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{
		Executable: about.PythonExecutable,
		Version:    about.PythonVersion.String(),
	}, nil
}

// pluginWriter streams a plugin's stdout or stderr to the engine, which reads the
// plugin's port from its first line of stdout.
type pluginWriter struct {
	send   func(*pulumirpc.RunPluginResponse) error
	stderr bool
}

func (w pluginWriter) Write(p []byte) (int, error) {
	b := append([]byte(nil), p...)
	msg := &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}}
	if w.stderr {
		msg = &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}}
	}
	if err := w.send(msg); err != nil {
		return 0, err
	}
	return len(p), nil
}

// RunPlugin runs `python -u <plugin directory> <args...>` in the plugin's virtualenv
// (`runtime.options.virtualenv` of its PulumiPolicy.yaml or PulumiPlugin.yaml).
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest,
	srv grpc.ServerStreamingServer[pulumirpc.RunPluginResponse],
) error {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetProgram()
	}
	tc, err := resolve(req.GetInfo(), dir)
	if err != nil {
		return err
	}
	cmd, err := tc.Command(srv.Context(), append([]string{"-u", dir}, req.GetArgs()...)...)
	if err != nil {
		return fmt.Errorf("cannot prepare python: %w", err)
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, req.GetEnv()...)
	cmd.Dir = req.GetPwd()
	cmd.Stdout = pluginWriter{send: srv.Send}
	cmd.Stderr = pluginWriter{send: srv.Send, stderr: true}
	code := 0
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return fmt.Errorf("could not run plugin %s: %w", dir, err)
		}
		code = exitErr.ExitCode()
	}
	return srv.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
}
