// compose-config prints a Compose file as Docker Compose itself resolves it, for test/docker-compose.test.ts: the
// file is read by Compose's own loader library (github.com/compose-spec/compose-go/v2, the version Docker Compose
// v2.40.3 is built with) and printed as JSON, the form `docker compose config --format json` prints. Building this
// takes seconds; building all of Docker Compose to parse one file took minutes.
//
//	compose-config [-f docker-compose.yml] [--no-interpolate]
//
// --no-interpolate prints the file's model with ${VARIABLES} left as written, as `docker compose config
// --no-interpolate` does. Variables come from the environment and a .env file beside the Compose file.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	file := flag.String("f", "docker-compose.yml", "the Compose file")
	noInterpolate := flag.Bool("no-interpolate", false, "leave ${VARIABLES} as written")
	flag.Parse()
	if err := run(*file, *noInterpolate); err != nil {
		fmt.Fprintf(os.Stderr, "compose-config: %v\n", err)
		os.Exit(1)
	}
}

func run(file string, noInterpolate bool) error {
	path, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	options, err := cli.NewProjectOptions(
		[]string{path},
		cli.WithWorkingDirectory(filepath.Dir(path)),
		cli.WithOsEnv,
		cli.WithDotEnv,
		cli.WithResolvedPaths(true),
		cli.WithInterpolation(!noInterpolate),
		cli.WithDefaultProfiles(),
	)
	if err != nil {
		return err
	}
	ctx := context.Background()
	var out []byte
	if noInterpolate {
		model, err := options.LoadModel(ctx)
		if err != nil {
			return err
		}
		out, err = json.MarshalIndent(model, "", "  ")
		if err != nil {
			return err
		}
	} else {
		project, err := options.LoadProject(ctx)
		if err != nil {
			return err
		}
		if project, err = project.WithServicesEnvironmentResolved(true); err != nil {
			return err
		}
		if out, err = project.MarshalJSON(); err != nil {
			return err
		}
	}
	_, err = fmt.Println(string(out))
	return err
}
