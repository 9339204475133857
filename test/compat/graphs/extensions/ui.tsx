// @ts-nocheck -- bundled for the browser by the UI bundler (jsx: automatic); the project's tsconfig has no JSX.
import "./ui.css";

const WeatherCard = (props: { city: string; degrees: number }) => (
  <div className="weather-card">
    {props.city}: {props.degrees}°
  </div>
);

export default {
  weather: WeatherCard,
};
